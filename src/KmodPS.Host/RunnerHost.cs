using System.Globalization;
using System.Management.Automation.Host;

namespace KmodPS.Host;

/// <summary>The PSHost of the runner: gives Out-Default a real UI and console width.</summary>
internal sealed class RunnerHost : PSHost
{
    private readonly RunnerUserInterface _ui;

    public RunnerHost(TextWriter output, TextWriter error, int width)
    {
        _ui = new RunnerUserInterface(output, error, width);
    }

    public int ExitCode { get; private set; }

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "kmodps";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => typeof(RunnerHost).Assembly.GetName().Version ?? new Version(0, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException("kmodps has no nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("kmodps has no nested prompt.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
}
