using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Changes;

/// <summary>
/// What one KmodPS change will do to a root, as data: the steps in order, the files it saves first and restores if
/// anything fails, how to read the result back, and why it refuses or what the admin should know. Every changing
/// cmdlet plans one of these and hands it to <see cref="ChangeExecutor"/>; -WhatIf and -Confirm show <see cref="Describe"/>.
/// </summary>
/// <param name="Action">The verb phrase ShouldProcess shows ("Lock", "Make it the boot default", "Remove").</param>
/// <param name="Target">What the user named: a kernel release, a module/kernel pair, "all kernels", the guard.</param>
/// <param name="FailureId">The id a step's unexpected I/O failure is reported under (LockNotApplied, DefaultNotApplied…).</param>
public sealed record ChangePlan(string Action, string Target, string FailureId)
{
    public IReadOnlyList<ChangeStep> Steps { get; init; } = Array.Empty<ChangeStep>();

    /// <summary>Root tree paths saved before the first step and put back byte for byte when the change fails.</summary>
    public IReadOnlyList<string> Touches { get; init; } = Array.Empty<string>();

    /// <summary>When not empty, nothing runs: the first one is the answer.</summary>
    public IReadOnlyList<Failure> Refusals { get; init; } = Array.Empty<Failure>();

    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>Explanations for the verbose stream ("already locked").</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Checked under the root's change lock before the first step: the plan was made from state read before the lock
    /// was taken, and another change may have moved it (RootChangeInProgress), or a package manager may hold its lock.
    /// </summary>
    public Func<Failure?>? Precondition { get; init; }

    /// <summary>Reads the result back after the last step; a failure undoes the change.</summary>
    public Func<Failure?>? ReadBack { get; init; }

    /// <summary>Read after a successful read-back: what the change left that the admin should know (files no package owned); each line is a warning.</summary>
    public Func<IReadOnlyList<string>>? Leftovers { get; init; }

    /// <summary>Records the change before the first step and settles it after, so a killed change can be finished or undone.</summary>
    public IChangeJournal? Journal { get; init; }

    /// <summary>
    /// False for changes that cannot be put back (packages removed, modules built): each step then stands on its own,
    /// a failure stops the steps after it, and the ones before it stay done.
    /// </summary>
    public bool Reversible { get; init; } = true;

    public bool IsRefused => Refusals.Count > 0;

    /// <summary>True when there is nothing to do (and nothing refused).</summary>
    public bool IsNoOp => !IsRefused && Steps.Count == 0 && Journal is not { HasWork: true };

    /// <summary>
    /// One line per step, as -WhatIf, -Confirm and -Verbose show them: first the temporary files the commands read
    /// (once each), then the steps, then what the journal records.
    /// </summary>
    public IReadOnlyList<string> Describe() =>
        Steps.OfType<CommandChange>().SelectMany(c => c.TemporaryFiles).DistinctBy(f => f.Path)
            .Select(f => $"write {f.Path}: {f.Content.TrimEnd().Replace("\n", "; ")}")
            .Concat(Steps.Select(s => s.Description))
            .Concat(Journal?.Description is { } journal ? new[] { journal } : Array.Empty<string>())
            .ToList();

    public static ChangePlan Refuse(string action, string target, string failureId, Failure refusal) =>
        new(action, target, failureId) { Refusals = new[] { refusal } };
}

/// <summary>A change's own record on disk (Lock-Kernel's intent in locks.json, the guard's state file).</summary>
public interface IChangeJournal
{
    /// <summary>True when the journal has something to write even without steps (settling a record).</summary>
    bool HasWork { get; }

    /// <summary>Written before the first step; a failure stops the change before anything else happened.</summary>
    Failure? Begin();

    /// <summary>Written after the read-back succeeded: what the change did becomes KmodPS's record.</summary>
    Failure? Complete(ChangeContext context);

    /// <summary>
    /// The root tree paths the journal writes. They are restored when the change fails, after the plan's own files and
    /// only when those were all put back: otherwise the journal keeps claiming what is left.
    /// </summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>What the journal writes, as -WhatIf shows it; null when it says nothing worth a line.</summary>
    string? Description => null;
}

/// <summary>What a step may use while it runs.</summary>
public sealed class ChangeContext
{
    internal ChangeContext(ISystemRoot root, ICommandRunner runner, Action<string> verbose, CancellationToken cancellationToken)
    {
        Root = root;
        Jail = RootJail.For(root);
        Runner = runner;
        Verbose = verbose;
        CancellationToken = cancellationToken;
    }

    public ISystemRoot Root { get; }

    /// <summary>The one writer under the root.</summary>
    public RootJail Jail { get; }

    public ICommandRunner Runner { get; }

    public Action<string> Verbose { get; }

    public CancellationToken CancellationToken { get; }
}

/// <summary>One step of a change; it describes itself for -WhatIf and applies itself through the jail.</summary>
public abstract class ChangeStep
{
    protected ChangeStep(string description) => Description = description;

    public string Description { get; }

    /// <summary>Applies the step; a failure (or an I/O exception) stops the change.</summary>
    public abstract Failure? Apply(ChangeContext context);

    /// <summary>What undoes this step when a later one fails and restoring files is not enough (apt-mark unhold).</summary>
    public ChangeStep? Undo { get; init; }

    public override string ToString() => Description;
}

/// <summary>Writes (or, when the edit returns null, deletes) one file under the root, atomically, keeping a backup when asked.</summary>
internal sealed class FileChange : ChangeStep
{
    private readonly Func<byte[]?, byte[]?> _edit;

    public FileChange(string description, string treePath, Func<byte[]?, byte[]?> edit, UnixFileMode? mode = null, bool keepBackup = false)
        : base(description)
    {
        TreePath = treePath;
        _edit = edit;
        Mode = mode;
        KeepBackup = keepBackup;
    }

    /// <summary>Replaces the file's content.</summary>
    public static FileChange Write(string description, string treePath, string content, UnixFileMode? mode = null, bool keepBackup = false) =>
        new(description, treePath, _ => System.Text.Encoding.UTF8.GetBytes(content), mode, keepBackup);

    /// <summary>Edits the file's text (null when it does not exist); a null result deletes it.</summary>
    /// <param name="backupPath">Where to keep the previous content instead of beside the file (implies a backup).</param>
    public static FileChange Edit(string description, string treePath, Func<string?, string?> edit, bool keepBackup = false, string? backupPath = null) =>
        new(description, treePath, bytes =>
        {
            var text = bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
            var edited = edit(text);
            return edited is null ? null : System.Text.Encoding.UTF8.GetBytes(edited);
        }, null, keepBackup || backupPath is not null)
        {
            BackupPath = backupPath,
        };

    /// <summary>What the edit makes of <paramref name="current"/> (null: the file is deleted), as -WhatIf would apply it.</summary>
    public byte[]? Preview(byte[]? current) => _edit(current);

    public static FileChange Delete(string description, string treePath, bool keepBackup = false) =>
        new(description, treePath, _ => null, null, keepBackup);

    public string TreePath { get; }

    public UnixFileMode? Mode { get; }

    public bool KeepBackup { get; }

    private readonly string? _backupPath;

    /// <summary>Where the previous content is kept: next to the file by default, elsewhere where the directory is read by a tool (apt's preferences.d).</summary>
    public string? BackupPath
    {
        get => _backupPath ?? (KeepBackup ? TreePath + RootJail.BackupSuffix : null);
        init => _backupPath = value;
    }

    /// <summary>What the step would leave in the file given its current content (null: no file).</summary>
    internal byte[]? Edited(byte[]? current) => _edit(current);

    public override Failure? Apply(ChangeContext context)
    {
        var current = context.Jail.ReadOrNull(TreePath);
        var updated = _edit(current);
        if (updated is null)
        {
            if (current is not null)
            {
                context.Jail.DeleteFile(TreePath, BackupPath);
            }
            return null;
        }
        if (current is not null && current.AsSpan().SequenceEqual(updated) && Mode is null)
        {
            return null;
        }
        context.Jail.WriteFile(TreePath, updated, Mode, BackupPath);
        return null;
    }
}

/// <summary>
/// Creates a directory under the root (and its missing parents), removes one that is empty, or removes a whole tree
/// (links in it removed, never followed). A failed change removes the directories it created again when they are empty.
/// </summary>
internal sealed class DirectoryChange : ChangeStep
{
    private enum Kind
    {
        Make,
        RemoveIfEmpty,
        RemoveTree,
    }

    private readonly Kind _kind;

    private DirectoryChange(string description, string treePath, Kind kind) : base(description)
    {
        TreePath = treePath;
        _kind = kind;
    }

    public static DirectoryChange Make(string treePath) => new($"create directory {treePath}", treePath, Kind.Make);

    public static DirectoryChange RemoveIfEmpty(string treePath, string why) => new($"remove directory {treePath} if empty ({why})", treePath, Kind.RemoveIfEmpty);

    /// <summary>Removes the directory and everything in it; not undone by restoring files, so only in plans that are not <see cref="ChangePlan.Reversible"/>.</summary>
    public static DirectoryChange RemoveTree(string treePath, string why) => new($"remove directory {treePath} and everything in it ({why})", treePath, Kind.RemoveTree);

    public string TreePath { get; }

    public bool Create => _kind == Kind.Make;

    public override Failure? Apply(ChangeContext context)
    {
        switch (_kind)
        {
            case Kind.Make:
                context.Jail.CreateDirectory(TreePath);
                break;
            case Kind.RemoveIfEmpty:
                context.Jail.DeleteEmptyDirectory(TreePath);
                break;
            default:
                context.Jail.DeleteTree(TreePath);
                break;
        }
        return null;
    }
}

/// <summary>
/// Runs one command (an argument vector, never a shell string). The judge turns its result into a failure
/// (null when it did what it should); the temporary files are written before it runs and deleted after.
/// </summary>
internal sealed class CommandChange : ChangeStep
{
    private readonly Func<CommandResult, Failure?> _judge;
    private readonly Func<ChangeContext, Failure?>? _before;

    public CommandChange(CommandRequest request, Func<CommandResult, Failure?> judge, IReadOnlyList<TemporaryFile>? temporaryFiles = null,
        Func<ChangeContext, Failure?>? before = null, string? description = null)
        : base(description ?? "run " + request.DisplayText)
    {
        Request = request;
        _judge = judge;
        _before = before;
        TemporaryFiles = temporaryFiles ?? Array.Empty<TemporaryFile>();
    }

    public CommandRequest Request { get; }

    /// <summary>Host files (outside the root, in a private temporary directory) the command reads: its configuration.</summary>
    public IReadOnlyList<TemporaryFile> TemporaryFiles { get; }

    public override Failure? Apply(ChangeContext context)
    {
        var directories = TemporaryFiles.Select(f => Path.GetDirectoryName(f.Path)!).Distinct().ToList();
        try
        {
            foreach (var directory in directories)
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            foreach (var file in TemporaryFiles)
            {
                File.WriteAllText(file.Path, file.Content);
            }
            if (_before?.Invoke(context) is { } refused)
            {
                return refused;
            }
            var result = context.Runner.Run(Request, context.CancellationToken);
            return _judge(result);
        }
        finally
        {
            foreach (var directory in directories.Where(Directory.Exists))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

/// <summary>
/// Runs tools that rewrite one file under the root in place on a private copy of it, then replaces the file with the
/// copy through the jail. grub-editenv truncates the grubenv before it writes it: killed in between, it would leave an
/// empty block that GRUB and grub-editenv reject; replaced atomically, the file is always the old block or the new one.
/// </summary>
internal sealed class CopyEditChange : ChangeStep
{
    private readonly Func<CommandResult, CommandRequest, Failure?> _judge;

    /// <param name="toolPath">The file as the tools name it in <paramref name="requests"/>; those arguments are the copy's path when they run.</param>
    public CopyEditChange(string treePath, string toolPath, IReadOnlyList<CommandRequest> requests, Func<CommandResult, CommandRequest, Failure?> judge)
        : base(string.Join("; ", requests.Select(r => "run " + r.DisplayText)) + " (on a copy that then replaces the file)")
    {
        TreePath = treePath;
        ToolPath = toolPath;
        Requests = requests;
        _judge = judge;
    }

    public string TreePath { get; }

    public string ToolPath { get; }

    /// <summary>The commands as they are shown, on <see cref="ToolPath"/>.</summary>
    public IReadOnlyList<CommandRequest> Requests { get; }

    public override Failure? Apply(ChangeContext context)
    {
        var directory = TemporaryDirectories.Create();
        try
        {
            var copy = Path.Combine(directory.FullName, Path.GetFileName(TreePath));
            if (context.Jail.ReadOrNull(TreePath) is { } current)
            {
                File.WriteAllBytes(copy, current);
            }
            foreach (var request in Requests)
            {
                var onCopy = new CommandRequest(request.FileName, request.Arguments.Select(a => a == ToolPath ? copy : a))
                {
                    Timeout = request.Timeout,
                    Environment = request.Environment,
                };
                if (_judge(context.Runner.Run(onCopy, context.CancellationToken), request) is { } failure)
                {
                    return failure;
                }
            }
            context.Jail.WriteFile(TreePath, File.ReadAllBytes(copy));
            return null;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>A file a command reads, written just before it runs and deleted after (dnf's private plugin configuration).</summary>
internal sealed record TemporaryFile(string Path, string Content);

/// <summary>A step whose work is a Core service's own (a DKMS build, a package-manager transaction with its own streaming).</summary>
internal sealed class ServiceChange : ChangeStep
{
    private readonly Func<ChangeContext, Failure?> _apply;

    public ServiceChange(string description, Func<ChangeContext, Failure?> apply) : base(description) => _apply = apply;

    public override Failure? Apply(ChangeContext context) => _apply(context);
}
