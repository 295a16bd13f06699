using System.Management.Automation;
using System.Management.Automation.Runspaces;
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
// With --json, stdout carries only the JSON array: whatever the host itself prints (What if:, prompts) goes to stderr.
var host = new RunnerHost(options.Json ? Console.Error : Console.Out, Console.Error, options.Width ?? ConsoleWidth.Detect());
using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
runspace.Open();
return new ScriptRunner(runspace, host, Console.Error).Run(modulePath, options);
