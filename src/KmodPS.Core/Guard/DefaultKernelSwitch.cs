using KmodPS.Core.Boot;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>
/// Plans the change of the boot default as a <see cref="ChangePlan"/>: finds the kernel's boot entry and the boot
/// loader, lets <see cref="DefaultKernelPlanner"/> choose the host's own tools, and reads the next boot back
/// (DefaultNotApplied when another kernel would boot). <see cref="ChangeExecutor"/> applies it and restores the
/// touched files byte for byte when it does not take. Used by Set-DefaultKernel and the update guard's rollback.
/// </summary>
internal sealed class DefaultKernelSwitch
{
    /// <summary>The boot tools the planner may use.</summary>
    public static readonly string[] BootTools = { "grubby", "grub2-editenv", "grub-editenv", "grub2-reboot", "update-grub", "grub2-mkconfig", "bootctl" };

    private readonly ISystemRoot _root;
    private readonly ICommandRunner _runner;

    public DefaultKernelSwitch(ISystemRoot root, ICommandRunner runner)
    {
        _root = root;
        _runner = runner;
    }

    /// <summary>The plan that makes <paramref name="kernelVersion"/> the default; a refusal (BootEntryNotFound, BootLoaderNotSupported...) otherwise.</summary>
    public ChangePlan Plan(string kernelVersion, bool once = false, bool force = false)
    {
        var action = DefaultKernelPlanner.ActionOf(once);
        var resolver = new NextBootResolver(_root);
        var entry = resolver.FindEntryForKernel(kernelVersion);
        if (entry is null)
        {
            return ChangePlan.Refuse(action, kernelVersion, ErrorIds.DefaultNotApplied, new Failure(ErrorIds.BootEntryNotFound, FailureCategory.ObjectNotFound,
                $"No boot entry starts kernel {kernelVersion} under {_root.RootPath}.", kernelVersion));
        }
        var setup = resolver.Describe(new DiagnosticLog());
        if (setup is null)
        {
            return ChangePlan.Refuse(action, kernelVersion, ErrorIds.DefaultNotApplied, new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.NotImplemented,
                $"No supported boot loader was recognised under {_root.RootPath}.", kernelVersion));
        }
        if (setup.GrubEnvironmentPath is { } grubenv && GrubEnvironment.Read(_root, grubenv, new DiagnosticLog()).Damage is { } damage)
        {
            return ChangePlan.Refuse(action, kernelVersion, ErrorIds.DefaultNotApplied, new Failure(ErrorIds.StoreUnparsable, FailureCategory.InvalidData,
                $"{_root.MapPath(grubenv)} {damage}: KmodPS does not write into a grubenv it could not parse. Nothing was changed.", kernelVersion,
                "Recreate it with 'grub2-editenv <grubenv> create' ('grub-editenv' on Debian) and set the default again."));
        }
        var programs = BootTools.Select(t => (Name: t, Path: _runner.FindProgram(t))).Where(p => p.Path is not null).ToDictionary(p => p.Name, p => p.Path!);
        Dictionary<string, string> toolPaths;
        try
        {
            var jail = RootJail.For(_root);
            toolPaths = new[] { setup.GrubEnvironmentPath, "/boot/grub2/grubenv", "/boot/grub/grubenv", "/boot" }.OfType<string>().Distinct()
                .ToDictionary(p => p, jail.ToolPath);
        }
        catch (PathOutsideRootException e)
        {
            return ChangePlan.Refuse(action, kernelVersion, ErrorIds.DefaultNotApplied, new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, kernelVersion));
        }
        var plan = DefaultKernelPlanner.Plan(new DefaultKernelRequest(kernelVersion, entry, setup, once, force, _root.IsHostRoot, _root.RootPath, programs, EditedFileText(setup), toolPaths));
        return plan.IsRefused ? plan : plan with { ReadBack = () => ReadBack(kernelVersion) };
    }

    // The kernel must be the one the boot loader starts next, as it will read its files.
    private Failure? ReadBack(string kernelVersion)
    {
        var next = new NextBootResolver(_root).Resolve(new DiagnosticLog());
        return next.KernelVersion == kernelVersion ? null : new Failure(ErrorIds.DefaultNotApplied, FailureCategory.InvalidResult,
            $"After the change the boot loader would boot {next.KernelVersion ?? "an unknown kernel"}, not {kernelVersion} ({next.Explanation}).", kernelVersion);
    }

    private string? EditedFileText(BootLoaderSetup setup)
    {
        var path = setup.Kind == BootLoaderKind.SystemdBoot ? setup.LoaderConfPath : setup.GrubDefaultSource;
        return path is not null && _root.FileExists(path) ? _root.ReadAllText(path) : null;
    }
}
