using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace KmodPS.Host;

/// <summary>Formatted output to stdout; warnings, verbose lines and errors to stderr. Never prompts.</summary>
internal sealed partial class RunnerUserInterface : PSHostUserInterface
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;

    public RunnerUserInterface(TextWriter output, TextWriter error, int width)
    {
        _out = output;
        _err = error;
        RawUI = new RunnerRawUserInterface(width);
    }

    public override PSHostRawUserInterface RawUI { get; }

    public override void Write(string value) => _out.Write(Plain(value));

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _out.Write(Plain(value));

    public override void WriteLine(string value) => _out.WriteLine(Plain(value));

    public override void WriteErrorLine(string value) => ToStandardError(Plain(value));

    public override void WriteDebugLine(string message) => ToStandardError("DEBUG: " + message);

    public override void WriteVerboseLine(string message) => ToStandardError("VERBOSE: " + message);

    public override void WriteWarningLine(string message) => ToStandardError("WARNING: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
    }

    public override string ReadLine() => throw NotInteractive();

    public override SecureString ReadLineAsSecureString() => throw NotInteractive();

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NotInteractive();

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw NotInteractive();

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NotInteractive();

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NotInteractive();

    // What was written to stdout before comes out before it.
    private void ToStandardError(string line)
    {
        _out.Flush();
        _err.WriteLine(line);
    }

    // The engine styles table headers itself; the runner's output goes to pipes and logs, so escapes are removed.
    private static string Plain(string text) => text.Contains('\u001b') ? AnsiEscape().Replace(text, string.Empty) : text;

    [GeneratedRegex("\u001b\\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    private static PSInvalidOperationException NotInteractive() =>
        new("kmodps does not prompt; pass -Confirm:$false or -Force where a command would ask.");
}
