using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>
/// Plans Uninstall-KernelUpdateGuard: exactly the files the install added. Hook files are deleted only while they
/// still carry KmodPS's marker (a file someone put in their place stays); the state file is deleted only when the
/// install created it (else only its installation record goes); directories the install created are removed when
/// empty. Without an installation record, KmodPS-marked files at the family's hook paths are still removed.
/// </summary>
public static class GuardUninstallPlanner
{
    public static GuardUninstallPlan Plan(ISystemRoot root, HostFamily family, GuardState? state)
    {
        var installation = state?.Installation;
        var candidates = (installation?.Files ?? Array.Empty<string>()).Concat(GuardLayout.For(family, root).Select(h => h.Path)).Distinct(StringComparer.Ordinal);
        var deletes = new List<string>();
        var kept = new List<string>();
        foreach (var path in candidates)
        {
            if (root.IsSymbolicLink(path))
            {
                kept.Add($"{path} is a symbolic link, not a KmodPS hook");
                continue;
            }
            if (!root.FileExists(path))
            {
                continue;
            }
            if (GuardScript.ReadMarker(root.ReadAllText(path)) is null)
            {
                kept.Add($"{path} was replaced by a file KmodPS did not generate");
                continue;
            }
            deletes.Add(path);
        }
        var deleteState = installation?.CreatedStateFile == true;
        var rewrite = installation is not null && !deleteState ? state! with { Installation = null } : null;
        var directories = (installation?.CreatedDirectories ?? Array.Empty<string>()).OrderByDescending(d => d.Count(c => c == '/')).ThenByDescending(d => d, StringComparer.Ordinal).ToList();
        return new GuardUninstallPlan(deletes, kept, deleteState, rewrite, directories);
    }
}
