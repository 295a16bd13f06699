using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Pure: plans the change of the boot default with the host's own tools. RHEL BLS: grubby --set-default (host),
/// else grub2-editenv on the grubenv (saved_entry, or next_entry for once). Debian GRUB: grub-set-default /
/// grub-reboot with the submenu path (--boot-directory for another root), only with GRUB_DEFAULT=saved unless
/// forced. systemd-boot: bootctl set-default / set-oneshot on the host, loader.conf's default under a root.
/// </summary>
public static partial class DefaultKernelPlanner
{
    public static DefaultKernelPlan Plan(DefaultKernelRequest request) => request.Setup.Kind switch
    {
        BootLoaderKind.GrubBls => PlanGrubBls(request),
        BootLoaderKind.GrubDebian => PlanGrubDebian(request),
        BootLoaderKind.SystemdBoot => PlanSystemdBoot(request),
        _ => DefaultKernelPlan.Refuse(new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.NotImplemented,
            $"No supported boot loader (GRUB with BLS, Debian GRUB, systemd-boot) was recognised under {request.RootPath}.", request.KernelVersion)),
    };

    private static DefaultKernelPlan PlanGrubBls(DefaultKernelRequest request)
    {
        var environment = request.Setup.GrubEnvironmentPath ?? "/boot/grub2/grubenv";
        var edits = new List<FileEdit>();
        var commands = new List<CommandRequest>();
        var warnings = new List<string>();
        var touches = new List<string> { environment };
        if (SavedDefaultFirst(request, BlsGrubConfig(request.Setup.GrubConfigPath), edits, commands, warnings, touches) is { } refusal)
        {
            return refusal;
        }
        if (request.IsHostRoot && !request.Once && request.Programs.ContainsKey("grubby"))
        {
            commands.Add(Command(request, "grubby", "--set-default", "/boot/vmlinuz-" + request.KernelVersion));
            return new DefaultKernelPlan(edits, commands, touches, warnings, null);
        }
        if (request.IsHostRoot && request.Once && request.Programs.ContainsKey("grub2-reboot"))
        {
            commands.Add(Command(request, "grub2-reboot", request.Entry.Id));
            return new DefaultKernelPlan(edits, commands, touches, warnings, null);
        }
        return Merge(edits, warnings, touches, EditEnvironment(request, environment), commands);
    }

    private static DefaultKernelPlan PlanGrubDebian(DefaultKernelRequest request)
    {
        var environment = request.Setup.GrubEnvironmentPath ?? "/boot/grub/grubenv";
        var edits = new List<FileEdit>();
        var commands = new List<CommandRequest>();
        var warnings = new List<string>();
        var touches = new List<string> { environment };
        if (SavedDefaultFirst(request, DebianGrubConfig, edits, commands, warnings, touches) is { } refusal)
        {
            return refusal;
        }
        var tool = request.Once ? "grub-reboot" : "grub-set-default";
        if (!request.Programs.ContainsKey(tool))
        {
            return Merge(edits, warnings, touches, EditEnvironment(request, environment), commands);
        }
        var arguments = new List<string>();
        if (!request.IsHostRoot)
        {
            // grub-set-default writes <boot-directory>/grub/grubenv; when that is not where the root's grubenv resolves
            // (a link in between), grub-editenv gets the resolved file instead.
            var bootDirectory = request.ToolPath("/boot");
            if (request.ToolPath(environment) != bootDirectory + "/grub/grubenv")
            {
                return Merge(edits, warnings, touches, EditEnvironment(request, environment), commands);
            }
            arguments.Add("--boot-directory=" + bootDirectory);
        }
        arguments.Add(request.Entry.MenuPath);
        commands.Add(Command(request, tool, arguments.ToArray()));
        return new DefaultKernelPlan(edits, commands, touches, warnings, null);
    }

    /// <summary>
    /// GRUB reads next_entry whatever GRUB_DEFAULT says; saved_entry only matters with GRUB_DEFAULT=saved. Otherwise
    /// refuses, or with -Force plans the edit to GRUB_DEFAULT=saved and the regeneration of grub.cfg (on the host).
    /// </summary>
    private static DefaultKernelPlan? SavedDefaultFirst(DefaultKernelRequest request, (string Program, string[] Arguments, string Config) regenerate,
        List<FileEdit> edits, List<CommandRequest> commands, List<string> warnings, List<string> touches)
    {
        if (request.Once || request.Setup.GrubDefaultIsSaved)
        {
            return null;
        }
        var source = request.Setup.GrubDefaultSource ?? "/etc/default/grub";
        var regenerateText = string.Join(' ', new[] { regenerate.Program }.Concat(regenerate.Arguments));
        if (!request.Force)
        {
            var why = request.Setup.CompiledDefault is { } compiled
                ? $"{request.Setup.GrubConfigPath} was generated with default '{compiled}' (GRUB_DEFAULT={request.Setup.GrubDefault} in {source} now)"
                : $"{source} sets GRUB_DEFAULT={request.Setup.GrubDefault}";
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.GrubDefaultNotSaved, FailureCategory.InvalidOperation,
                $"{why}, so GRUB ignores a saved default: nothing was changed. "
                + $"Use -Force to set GRUB_DEFAULT=saved (a backup is kept) and run {regenerateText}, or -Once for the next boot only.", request.KernelVersion));
        }
        var text = request.GrubDefaultFileText ?? string.Empty;
        // Already saved in /etc/default/grub (grub.cfg is older than it): regenerating grub.cfg is all that is needed.
        if (SetGrubDefaultSaved(text) != text)
        {
            edits.Add(new FileEdit(source, SetGrubDefaultSaved(text), $"GRUB_DEFAULT={request.Setup.GrubDefault} -> GRUB_DEFAULT=saved"));
            touches.Add(source);
        }
        if (request.IsHostRoot && request.Programs.ContainsKey(regenerate.Program))
        {
            commands.Add(Command(request, regenerate.Program, regenerate.Arguments));
            touches.Add(regenerate.Config);
        }
        else
        {
            warnings.Add($"grub.cfg under {request.RootPath} must be regenerated for GRUB_DEFAULT=saved to take effect: run {regenerateText} inside the root (chroot {request.RootPath} {regenerateText}).");
        }
        return null;
    }

    private static readonly (string, string[], string) DebianGrubConfig = ("update-grub", Array.Empty<string>(), "/boot/grub/grub.cfg");

    // grub2-mkconfig rewrites the grub.cfg GRUB runs (the detector skips an ESP stub that only loads it); without one found,
    // RHEL 9's single /boot/grub2/grub.cfg for BIOS and UEFI.
    private static (string, string[], string) BlsGrubConfig(string? config) =>
        ("grub2-mkconfig", new[] { "-o", config ?? "/boot/grub2/grub.cfg" }, config ?? "/boot/grub2/grub.cfg");

    private static DefaultKernelPlan PlanSystemdBoot(DefaultKernelRequest request)
    {
        if (request.IsHostRoot && request.Programs.ContainsKey("bootctl"))
        {
            return Commands(Array.Empty<string>(), Command(request, "bootctl", request.Once ? "set-oneshot" : "set-default", request.Entry.Id));
        }
        if (request.Once || request.Setup.LoaderConfPath is null)
        {
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.InvalidOperation,
                request.Once ? "A one-shot systemd-boot entry is an EFI variable of the running machine: -Once works only on the host itself (Root /)."
                    : $"systemd-boot's loader.conf was not found under {request.RootPath}.", request.KernelVersion));
        }
        var path = request.Setup.LoaderConfPath;
        return new DefaultKernelPlan(new[] { new FileEdit(path, SetLoaderDefault(request.GrubDefaultFileText ?? string.Empty, request.Entry.Id), $"default {request.Entry.Id}") },
            Array.Empty<CommandRequest>(), new[] { path }, Array.Empty<string>(), null);
    }

    private static DefaultKernelPlan EditEnvironment(DefaultKernelRequest request, string environment)
    {
        var tool = new[] { "grub2-editenv", "grub-editenv" }.FirstOrDefault(request.Programs.ContainsKey);
        if (tool is null)
        {
            return DefaultKernelPlan.Refuse(new Failure(ErrorIds.BootToolNotFound, FailureCategory.NotInstalled,
                "Neither grubby, grub2-editenv nor grub-editenv is installed: the GRUB environment block cannot be changed safely.", request.KernelVersion));
        }
        var file = request.ToolPath(environment);
        if (request.Once)
        {
            return Commands(new[] { environment }, Command(request, tool, file, "set", $"next_entry={request.Entry.Id}"));
        }
        // As grub-set-default does: a pending one-shot would otherwise hide the new default on the next boot.
        return Commands(new[] { environment }, Command(request, tool, file, "unset", "next_entry"), Command(request, tool, file, "set", $"saved_entry={request.Entry.Id}"));
    }

    private static DefaultKernelPlan Commands(IReadOnlyList<string> touches, params CommandRequest[] commands) =>
        new(Array.Empty<FileEdit>(), commands, touches, Array.Empty<string>(), null);

    private static DefaultKernelPlan Merge(List<FileEdit> edits, List<string> warnings, List<string> touches, DefaultKernelPlan plan, IEnumerable<CommandRequest>? before = null) =>
        plan.Refusal is not null ? plan : new DefaultKernelPlan(edits.Concat(plan.Edits).ToList(), (before ?? Array.Empty<CommandRequest>()).Concat(plan.Commands).ToList(),
            touches.Concat(plan.Touches).Distinct().ToList(), warnings.Concat(plan.Warnings).ToList(), null);

    private static CommandRequest Command(DefaultKernelRequest request, string program, params string[] arguments) =>
        new(request.Programs[program], arguments);

    /// <summary>Replaces the GRUB_DEFAULT assignment (or appends one), keeping every other line as it was.</summary>
    public static string SetGrubDefaultSaved(string text)
    {
        var replaced = GrubDefaultLine().Replace(text, "GRUB_DEFAULT=saved");
        return replaced != text || GrubDefaultLine().IsMatch(text) ? replaced : text.TrimEnd('\n') + "\nGRUB_DEFAULT=saved\n";
    }

    /// <summary>Sets loader.conf's <c>default</c> key to the entry id.</summary>
    public static string SetLoaderDefault(string text, string entryId)
    {
        var replaced = LoaderDefaultLine().Replace(text, "default " + entryId, 1);
        return LoaderDefaultLine().IsMatch(text) ? replaced : text.TrimEnd('\n') + (text.Length > 0 ? "\n" : string.Empty) + "default " + entryId + "\n";
    }

    [GeneratedRegex(@"^[ \t]*GRUB_DEFAULT=.*$", RegexOptions.Multiline)]
    private static partial Regex GrubDefaultLine();

    [GeneratedRegex(@"^[ \t]*default[ \t].*$", RegexOptions.Multiline)]
    private static partial Regex LoaderDefaultLine();
}
