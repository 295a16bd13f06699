using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>
/// Plans Uninstall-KernelUpdateGuard: exactly the files the install added, hooks first and the record last, so that
/// an interrupted uninstall still has the record of any hook left. Hook files are deleted only while they still carry
/// KmodPS's marker (a file someone put in their place stays, with a warning); the temporary files a killed write left
/// beside a hook go too; the state file is deleted only when the install created it (else only its installation
/// record goes); directories the install created are removed when empty. An interrupted install's pending record is
/// uninstalled like a confirmed one. Without an installation record, KmodPS-marked files at the family's hook paths
/// are still removed.
/// </summary>
public static class GuardUninstallPlanner
{
    public const string Action = "Uninstall the kernel update guard";

    public static ChangePlan Plan(ISystemRoot root, HostFamily family, GuardState? state)
    {
        var installation = state?.Installation;
        var candidates = (installation?.Files ?? Array.Empty<string>()).Concat(GuardLayout.For(family, root).Select(h => h.Path)).Distinct(StringComparer.Ordinal).ToList();
        var steps = new List<ChangeStep>();
        var kept = new List<string>();
        var deleted = new List<string>();
        foreach (var path in candidates)
        {
            steps.AddRange(Leftovers(root, path).Select(l => FileChange.Delete($"delete {l} (left by an interrupted write)", l)));
            if (root.IsSymbolicLink(path))
            {
                kept.Add($"Left alone: {path} is a symbolic link, not a KmodPS hook.");
                continue;
            }
            if (!root.FileExists(path))
            {
                continue;
            }
            if (GuardScript.ReadMarker(root.ReadAllText(path)) is null)
            {
                kept.Add($"Left alone: {path} was replaced by a file KmodPS did not generate.");
                continue;
            }
            steps.Add(FileChange.Delete($"delete {path}", path));
            deleted.Add(path);
        }
        if (installation?.CreatedStateFile == true)
        {
            steps.Add(FileChange.Delete($"delete {GuardLayout.StatePath} (created by the install)", GuardLayout.StatePath));
        }
        else if (installation is not null)
        {
            steps.Add(new FileChange($"remove the installation record from {GuardLayout.StatePath}", GuardLayout.StatePath,
                current => WithoutInstallation(current, state!), GuardStateFile.Mode));
        }
        if (steps.Count > 0)
        {
            steps.AddRange((installation?.CreatedDirectories ?? Array.Empty<string>())
                .OrderByDescending(d => d.Count(c => c == '/')).ThenByDescending(d => d, StringComparer.Ordinal)
                .Select(d => DirectoryChange.RemoveIfEmpty(d, "created by the install")));
        }
        return new ChangePlan(Action, root.RootPath, ErrorIds.GuardNotUninstalled)
        {
            Steps = steps,
            Warnings = kept,
            Notes = steps.Count == 0 ? new[] { $"No kernel update guard is installed under {root.RootPath}." } : Array.Empty<string>(),
            ReadBack = () => ReadBack(root, deleted),
        };
    }

    // The state as it is when the step runs, without the installation record; the planned state when it no longer parses.
    private static byte[] WithoutInstallation(byte[]? current, GuardState planned)
    {
        GuardState state;
        try
        {
            state = current is null ? planned : GuardStateFile.Parse(System.Text.Encoding.UTF8.GetString(current));
        }
        catch (InvalidDataException)
        {
            state = planned;
        }
        return System.Text.Encoding.UTF8.GetBytes(GuardStateFile.Serialize(state with { Installation = null }));
    }

    private static IEnumerable<string> Leftovers(ISystemRoot root, string hookPath)
    {
        var directory = GuardInstallPlanner.ParentOf(hookPath);
        var name = hookPath[(hookPath.LastIndexOf('/') + 1)..];
        return root.ListDirectory(directory).Where(n => RootJail.IsLeftoverOf(n, name)).Select(n => TreePath.Combine(directory, n));
    }

    private static Failure? ReadBack(ISystemRoot root, IReadOnlyList<string> deleted)
    {
        // Anything at a hook path (another tool may have put a directory there) still runs or blocks the hook's place.
        var left = deleted.Where(p => root.FileExists(p) || root.DirectoryExists(p) || root.IsSymbolicLink(p)).Select(root.MapPath).ToList();
        return left.Count == 0 ? null
            : new Failure(ErrorIds.GuardNotUninstalled, FailureCategory.InvalidResult, $"These hook paths are still taken after deleting the hooks: {string.Join(", ", left)}.", root.RootPath);
    }
}
