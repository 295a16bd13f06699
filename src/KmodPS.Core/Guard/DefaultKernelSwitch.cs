using KmodPS.Boot;
using KmodPS.Diagnostics;
using KmodPS.Platform;

namespace KmodPS.Guard;

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
    private readonly ICommandRunner _runner;
    private readonly Action<string> _verbose;

    public DefaultKernelSwitch(ISystemRoot root, ICommandRunner runner, Action<string>? verbose = null)
    {
        _root = root;
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
        return DefaultKernelPlanner.Plan(new DefaultKernelRequest(kernelVersion, entry, setup, once, force, _root.IsHostRoot, _root.RootPath, programs, EditedFileText(setup)));
    }

    /// <summary>Applies the plan; null when the kernel reads back as the next boot, else the failure (the previous files restored).</summary>
    public Failure? Apply(DefaultKernelPlan plan, string kernelVersion)
    {
        if (plan.Refusal is not null)
        {
            return plan.Refusal;
        }
        // An edit's backup is part of what a failed change must put back: a restored root keeps no new .kmodps.bak.
        var saved = plan.Touches.Concat(plan.Edits.Select(e => e.Path + AtomicFile.BackupSuffix)).Distinct()
            .ToDictionary(p => p, p => File.Exists(_root.MapPath(p)) ? File.ReadAllBytes(_root.MapPath(p)) : null);
        string? failure = null;
        try
        {
            foreach (var edit in plan.Edits)
            {
                _verbose($"Editing {_root.MapPath(edit.Path)}: {edit.Description} (backup {AtomicFile.BackupSuffix})");
                AtomicFile.Write(_root.MapPath(edit.Path), System.Text.Encoding.UTF8.GetBytes(edit.NewContent), keepBackup: true);
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CommandNotFoundException)
        {
            failure = e.Message;
        }
        var readBack = new NextBootResolver(_root).Resolve(new DiagnosticLog());
        if (failure is null && readBack.KernelVersion == kernelVersion)
        {
            _verbose($"Read back: {kernelVersion} boots next ({readBack.Explanation}).");
            return null;
        }
        Restore(saved);
        return new Failure(ErrorIds.DefaultNotApplied, FailureCategory.InvalidResult, failure is not null
            ? $"Setting {kernelVersion} as the default failed and the previous setting was restored: {failure}"
            : $"After the change the boot loader would boot {readBack.KernelVersion ?? "an unknown kernel"}, not {kernelVersion} ({readBack.Explanation}); the previous setting was restored.",
            kernelVersion);
    }

    private void Restore(Dictionary<string, byte[]?> saved)
    {
        foreach (var (path, content) in saved)
        {
            var real = _root.MapPath(path);
            if (content is null)
            {
                File.Delete(real);
            }
            else
            {
                AtomicFile.Write(real, content, keepBackup: false);
            }
        }
    }

    private string? EditedFileText(BootLoaderSetup setup)
    {
        var path = setup.Kind == BootLoaderKind.SystemdBoot ? setup.LoaderConfPath : setup.GrubDefaultSource;
        return path is not null && _root.FileExists(path) ? _root.ReadAllText(path) : null;
    }
}
