using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace KmodPS.Host;

/// <summary>Imports the module and runs one command line, streaming output through Out-Default (or as JSON).</summary>
internal sealed class ScriptRunner
{
    private const string LastOutputVariable = "__kmodpsRunnerLastOutput";

    private readonly Runspace _runspace;
    private readonly RunnerHost _host;
    private readonly TextWriter _error;
    private bool _hadErrors;

    public ScriptRunner(Runspace runspace, RunnerHost host, TextWriter error)
    {
        _runspace = runspace;
        _host = host;
        _error = error;
    }

    public int Run(string modulePath, RunnerOptions options)
    {
        try
        {
            // Plain text: the runner's output goes to logs, pipes and journal lines, where escape codes are noise.
            Invoke(ps => ps.AddScript("$PSStyle.OutputRendering = 'PlainText'; $PSStyle.Formatting.TableHeader = ''; $PSStyle.Formatting.FormatAccent = ''"));
            Invoke(ps => ps.AddCommand("Import-Module").AddParameter("Name", Path.GetFullPath(modulePath)).AddParameter("ErrorAction", "Stop"));
            if (_hadErrors)
            {
                return ExitCodes.Error;
            }
            if (options.Json)
            {
                var results = Invoke(ps => ps.AddScript(options.Script));
                using var stdout = Console.OpenStandardOutput();
                JsonRenderer.Write(stdout, results);
                return Verdict(results.LastOrDefault());
            }
            // The wrapper remembers the last object so that "Test-* returned $false" can become exit status 1.
            var wrapped = $"& {{\n{options.Script}\n}} | ForEach-Object {{ ${LastOutputVariable} = $_; $_ }} | Out-Default";
            _runspace.SessionStateProxy.SetVariable(LastOutputVariable, null);
            Invoke(ps => ps.AddScript(wrapped));
            var last = _runspace.SessionStateProxy.GetVariable(LastOutputVariable);
            return Verdict(last is null ? null : PSObject.AsPSObject(last));
        }
        catch (RuntimeException e)
        {
            WriteError(e.ErrorRecord);
            return ExitCodes.Error;
        }
    }

    private int Verdict(PSObject? last) =>
        _hadErrors ? ExitCodes.Error
        : last?.BaseObject is false ? ExitCodes.FalseResult
        : _host.ExitCode != 0 ? _host.ExitCode
        : ExitCodes.Success;

    private List<PSObject> Invoke(Action<PowerShell> build)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        ps.Streams.Error.DataAdded += (_, e) => WriteError(ps.Streams.Error[e.Index]);
        // Warning, verbose and information records reach the host UI (stderr) by themselves.
        return ps.Invoke().ToList();
    }

    private void WriteError(ErrorRecord record)
    {
        _hadErrors = true;
        var command = record.InvocationInfo?.MyCommand?.Name;
        var prefix = string.IsNullOrEmpty(command) ? "kmodps" : command;
        var message = record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString();
        _error.WriteLine($"{prefix}: {message} [{record.FullyQualifiedErrorId}]");
    }
}
