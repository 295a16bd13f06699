using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using KmodPS.Host;

RunnerOptions options;
try
{
    options = RunnerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"kmodps: {e.Message}\n{RunnerOptions.Usage}");
    return ExitCodes.Error;
}
if (options.ShowHelp)
{
    Console.WriteLine(RunnerOptions.Usage);
    return ExitCodes.Success;
}
var modulePath = ModuleLocator.Find(options.ModulePath);
if (modulePath is null || !File.Exists(modulePath))
{
    Console.Error.WriteLine($"kmodps: cannot find {ModuleLocator.ManifestName}; pass --module PATH or set KMODPS_MODULE.");
    return ExitCodes.Error;
}
// As C's stdio does: line by line to a terminal, in blocks to a pipe or file (10,000 rows are otherwise 10,000 writes).
// The user interface flushes it before anything goes to stderr, so the two streams keep their order.
var stdout = Console.IsOutputRedirected
    ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false }
    : Console.Out;
// With --json, stdout carries only the JSON array: whatever the host itself prints (What if:, prompts) goes to stderr.
var host = new RunnerHost(options.Json ? Console.Error : stdout, Console.Error, options.Width ?? ConsoleWidth.Detect());
try
{
    using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
    runspace.Open();
    return new ScriptRunner(runspace, host).Run(modulePath, options);
}
finally
{
    stdout.Flush();
}
