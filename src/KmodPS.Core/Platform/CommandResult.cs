namespace KmodPS.Core.Platform;

/// <summary>What a native command did: exit code and captured output.</summary>
public sealed record CommandResult(CommandRequest Request, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, bool TimedOut)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;
}
