using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>Reads the guard of a root for Get-KernelUpdateGuard: each hook's presence, marker and currency, the options, the state file.</summary>
public static class GuardInspector
{
    public static KernelUpdateGuard Inspect(ISystemRoot root, HostFamily family, GuardState? state, List<string> warnings)
    {
        var installation = state?.Installation;
        var paths = GuardLayout.For(family, root).Select(h => h.Path)
            .Concat(installation?.Files ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal).ToList();
        GuardOptions? options = installation is null ? null : new GuardOptions(installation.RunnerPath, installation.Repair, installation.Promote);
        var hooks = new List<GuardHookStatus>();
        foreach (var path in paths)
        {
            if (GuardLayout.KindOf(path) is not { } kind)
            {
                continue;
            }
            var real = root.MapPath(path);
            if (!root.FileExists(path))
            {
                hooks.Add(new GuardHookStatus(kind, path, false, false, false, null));
                continue;
            }
            var content = root.ReadAllText(path);
            var marker = GuardScript.ReadMarker(content);
            options ??= GuardScript.ReadOptions(content);
            var expected = options is null ? null : GuardScript.Generate(kind, path, options);
            var current = expected is not null && expected.Content == content && File.GetUnixFileMode(root.MapPath(root.ResolvePath(path)!)) == expected.Mode;
            if (marker is not null && !current)
            {
                warnings.Add($"{real} is not what this KmodPS ({GuardScript.KmodPSVersion}) would write{(marker.Value.Version != GuardScript.KmodPSVersion ? $" (written by KmodPS {marker.Value.Version})" : string.Empty)}: run Install-KernelUpdateGuard to rewrite it.");
            }
            hooks.Add(new GuardHookStatus(kind, path, true, marker is not null, current, marker?.Version));
        }
        if (installation?.Pending == true)
        {
            warnings.Add($"An Install-KernelUpdateGuard under {root.RootPath} was interrupted: run it again to finish it, or Uninstall-KernelUpdateGuard to remove what it wrote.");
        }
        var runner = options?.RunnerPath;
        var runnerExists = runner is not null && (root.FileExists(runner) || File.Exists(runner));
        var stateText = root.FileExists(GuardLayout.StatePath) ? root.ReadAllText(GuardLayout.StatePath) : null;
        return new KernelUpdateGuard(root.RootPath, family, hooks, runner, runnerExists, options?.Repair ?? false, options?.Promote ?? false,
            GuardLayout.StatePath, stateText, installation?.InstalledAt, state?.LastHealthyKernel, state?.LastDecision?.ToDecision(root.RootPath));
    }
}
