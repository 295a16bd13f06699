namespace KmodPS.Host;

/// <summary>The width tables are laid out for: the terminal's, else $COLUMNS, else 120.</summary>
internal static class ConsoleWidth
{
    private const int Fallback = 120;

    public static int Detect()
    {
        if (!Console.IsOutputRedirected)
        {
            try
            {
                if (Console.WindowWidth > 20)
                {
                    return Console.WindowWidth;
                }
            }
            catch (IOException)
            {
            }
        }
        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 20 ? columns : Fallback;
    }
}
