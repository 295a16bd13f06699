using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace KmodPS.Host;

/// <summary>Imports the module and runs one command line, streaming output through Out-Default (or as JSON).</summary>
internal sealed class ScriptRunner
{
    private readonly Runspace _runspace;
    private readonly RunnerHost _host;
    private bool _hadErrors;

    public ScriptRunner(Runspace runspace, RunnerHost host)
    {
        _runspace = runspace;
        _host = host;
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
            // The last object decides whether "Test-* returned $false" becomes exit status 1: remembered on the way to
            // Out-Default by a compiled step (a script block per object costs 10 ms per 1,000 rows).
            var last = new LastOutput();
            Invoke(ps => ps.AddScript(options.Script).AddCommand(new CmdletInfo("Write-RunnerOutput", typeof(WriteRunnerOutputCommand)))
                .AddParameter(nameof(WriteRunnerOutputCommand.Last), last).AddCommand("Out-Default"));
            return Verdict(last.Value);
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
        _host.UI.WriteErrorLine($"{prefix}: {message} [{record.FullyQualifiedErrorId}]");
    }
}

/// <summary>Where <see cref="WriteRunnerOutputCommand"/> leaves the last object it passed on.</summary>
internal sealed class LastOutput
{
    public PSObject? Value { get; set; }
}

/// <summary>Passes the command line's output on unchanged, remembering the last object.</summary>
internal sealed class WriteRunnerOutputCommand : PSCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true)]
    public LastOutput Last { get; set; } = null!;

    protected override void ProcessRecord()
    {
        Last.Value = InputObject;
        WriteObject(InputObject);
    }
}
