using KmodPS.Core.Boot;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>
/// The Set-DefaultKernel mechanics as a reusable Core service: find the kernel's boot entry and the boot loader,
/// plan the change with <see cref="DefaultKernelPlanner"/> (the host's own tools), then apply it, read the next boot
/// back and restore the touched files byte for byte when it did not take. Used by Invoke-KernelUpdateGuard; the
/// caller confirms (ShouldProcess) between <see cref="Plan"/> and <see cref="Apply"/>.
/// </summary>
public sealed class DefaultKernelSwitch
{
    /// <summary>The boot tools the planner may use.</summary>
    public static readonly string[] BootTools = { "grubby", "grub2-editenv", "grub-editenv", "grub2-reboot", "grub-set-default", "grub-reboot", "update-grub", "grub2-mkconfig", "bootctl" };

    private readonly ISystemRoot _root;
    private readonly RootJail _jail;
    private readonly ICommandRunner _runner;
    private readonly Action<string> _verbose;

    public DefaultKernelSwitch(ISystemRoot root, ICommandRunner runner, Action<string>? verbose = null)
    {
        _root = root;
        _jail = RootJail.For(root);
        _runner = runner;
        _verbose = verbose ?? (_ => { });
    }

    /// <summary>The plan that makes <paramref name="kernelVersion"/> the default; a refusal (BootEntryNotFound, BootLoaderNotSupported...) otherwise.</summary>
    public DefaultKernelPlan Plan(string kernelVersion, bool once = false, bool force = false)
    {
        var resolver = new NextBootResolver(_root);
        var entry = resolver.FindEntryForKernel(kernelVersion);
        if (entry is null)
        {
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.BootEntryNotFound, FailureCategory.ObjectNotFound,
                $"No boot entry starts kernel {kernelVersion} under {_root.RootPath}.", kernelVersion));
        }
        var setup = resolver.Describe(new DiagnosticLog());
        if (setup is null)
        {
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.NotImplemented,
                $"No supported boot loader was recognised under {_root.RootPath}.", kernelVersion));
        }
        var programs = BootTools.Select(t => (Name: t, Path: _runner.FindProgram(t))).Where(p => p.Path is not null).ToDictionary(p => p.Name, p => p.Path!);
        Dictionary<string, string> toolPaths;
        try
        {
            toolPaths = new[] { setup.GrubEnvironmentPath, "/boot/grub2/grubenv", "/boot/grub/grubenv", "/boot" }.OfType<string>().Distinct()
                .ToDictionary(p => p, _jail.ToolPath);
        }
        catch (PathOutsideRootException e)
        {
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, kernelVersion));
        }
        return DefaultKernelPlanner.Plan(new DefaultKernelRequest(kernelVersion, entry, setup, once, force, _root.IsHostRoot, _root.RootPath, programs, EditedFileText(setup), toolPaths));
    }

    /// <summary>
    /// Applies the plan; null when the kernel reads back as the next boot, else the failure: DefaultNotApplied (the
    /// previous files restored), or RestoreFailed (the DefaultNotApplied in its message, and the paths not restored).
    /// </summary>
    public Failure? Apply(DefaultKernelPlan plan, string kernelVersion) => plan.Refusal
        ?? RootChangeLock.Around(_root, () => ApplyHeld(plan, kernelVersion), refusal => refusal with { Target = kernelVersion });

    private Failure? ApplyHeld(DefaultKernelPlan plan, string kernelVersion)
    {
        // An edit's backup is part of what a failed change must put back: a restored root keeps no new .kmodps.bak.
        Dictionary<string, byte[]?> saved;
        try
        {
            saved = Save(plan.Touches.Concat(plan.Edits.Select(e => e.Path + RootJail.BackupSuffix)).Distinct());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Failure(ErrorIds.DefaultNotApplied, e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ReadError,
                $"Setting {kernelVersion} as the default was not started: the files it changes could not be saved first ({e.Message}). Nothing was changed.", kernelVersion);
        }
        string? failure = null;
        PathOutsideRootException? refused = null;
        try
        {
            foreach (var edit in plan.Edits)
            {
                _verbose($"Editing {_root.MapPath(edit.Path)}: {edit.Description} (backup {RootJail.BackupSuffix})");
                _jail.WriteFile(edit.Path, System.Text.Encoding.UTF8.GetBytes(edit.NewContent), backupPath: edit.Path + RootJail.BackupSuffix);
            }
            foreach (var command in plan.Commands)
            {
                var result = _runner.Run(command);
                if (!result.Succeeded)
                {
                    failure = $"{command.DisplayText} failed (exit {result.ExitCode}): {result.StandardError.Trim()}";
                    break;
                }
            }
        }
        catch (PathOutsideRootException e)
        {
            (failure, refused) = (e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CommandNotFoundException)
        {
            failure = e.Message;
        }
        NextBoot? readBack = null;
        try
        {
            readBack = new NextBootResolver(_root).Resolve(new DiagnosticLog());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure ??= $"the next boot could not be read back: {e.Message}";
        }
        if (failure is null && readBack?.KernelVersion == kernelVersion)
        {
            _verbose($"Read back: {kernelVersion} boots next ({readBack.Explanation}).");
            return null;
        }
        var left = Restore(saved);
        if (refused is not null)
        {
            var outside = new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, refused.Message, kernelVersion);
            return left.Count == 0 ? outside : RestoreFailure.Of(outside, left);
        }
        var restored = left.Count == 0 ? "the previous setting was restored" : "the previous setting could not all be restored";
        var notApplied = new Failure(ErrorIds.DefaultNotApplied, FailureCategory.InvalidResult, failure is not null
            ? $"Setting {kernelVersion} as the default failed and {restored}: {failure}"
            : $"After the change the boot loader would boot {readBack?.KernelVersion ?? "an unknown kernel"}, not {kernelVersion} ({readBack?.Explanation}); {restored}.",
            kernelVersion);
        return left.Count == 0 ? notApplied : RestoreFailure.Of(notApplied, left);
    }

    // A path that is a directory (or anything but a file) is not KmodPS's to put back: it is left out, never deleted.
    private Dictionary<string, byte[]?> Save(IEnumerable<string> paths) => paths
        .Where(p => _root.FileExists(p) || !_root.DirectoryExists(p))
        .ToDictionary(p => p, p => _root.FileExists(p) ? _root.ReadAllBytes(p) : null);

    // Puts back each saved file that changed; returns the paths it could not put back, each with why.
    private List<string> Restore(Dictionary<string, byte[]?> saved)
    {
        var left = new List<string>();
        foreach (var (path, content) in saved)
        {
            var real = _root.MapPath(path);
            try
            {
                if (content is null ? !_root.FileExists(path) : _root.FileExists(path) && _root.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                {
                    continue;
                }
                _verbose($"Restoring {real}");
                if (content is null)
                {
                    _jail.DeleteFile(path);
                }
                else
                {
                    _jail.WriteFile(path, content);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                left.Add($"{real} ({(content is null ? "should not exist" : "should hold its previous content")}: {e.Message})");
            }
        }
        return left;
    }

    private string? EditedFileText(BootLoaderSetup setup)
    {
        var path = setup.Kind == BootLoaderKind.SystemdBoot ? setup.LoaderConfPath : setup.GrubDefaultSource;
        return path is not null && _root.FileExists(path) ? _root.ReadAllText(path) : null;
    }
}
