namespace KmodPS.Core.Platform;
internal static class ProfTemp
{
    private static readonly System.Diagnostics.Stopwatch Sw = System.Diagnostics.Stopwatch.StartNew();
    private static TimeSpan _cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    private static long _last;
    public static void Mark(string what)
    {
        var now = Sw.ElapsedMilliseconds;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        if (Environment.GetEnvironmentVariable("KMODPS_PROF") == "1") Console.Error.WriteLine($"PROF {what}: wall {now - _last} ms cpu {(cpu - _cpu).TotalMilliseconds:F0} ms");
        _last = now; _cpu = cpu;
    }
}
