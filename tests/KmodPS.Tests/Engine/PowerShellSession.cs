using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace KmodPS.Tests.Engine;

/// <summary>An in-process runspace of the real engine (System.Management.Automation) with the built KmodPS.psd1 imported.</summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        var import = Run($"Import-Module '{RepoPaths.Manifest}' -ErrorAction Stop");
        if (import.Errors.Count > 0)
        {
            throw new InvalidOperationException("Import-Module failed: " + import.Errors[0]);
        }
    }

    /// <summary>Runs a script; terminating errors are captured as <see cref="Result.Terminating"/> rather than thrown.</summary>
    public Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }
        ps.AddScript(script);
        try
        {
            var output = ps.Invoke();
            return new Result(output, ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), null);
        }
        catch (RuntimeException e)
        {
            return new Result(new Collection<PSObject>(), ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), e.ErrorRecord);
        }
    }

    public void Dispose() => _runspace.Dispose();

    public sealed record Result(Collection<PSObject> Output, List<ErrorRecord> Errors, List<string> Warnings, ErrorRecord? Terminating)
    {
        public IEnumerable<string> ErrorIds =>
            Errors.Select(e => e.FullyQualifiedErrorId).Concat(Terminating is null ? Array.Empty<string>() : new[] { Terminating.FullyQualifiedErrorId });

        public T Property<T>(int index, string name) => (T)Output[index].Properties[name].Value;
    }
}
