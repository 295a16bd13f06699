using System.Text.RegularExpressions;
using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Pure: plans the change of the boot default with the host's own tools. RHEL BLS: grubby --set-default (host),
/// else grub2-editenv (saved_entry, or next_entry for once). Debian GRUB: grub-editenv with the submenu path, as
/// grub-set-default / grub-reboot do. Both GRUB flavours only with GRUB_DEFAULT=saved unless forced. grub-editenv runs on
/// a copy of the grubenv that then replaces it atomically (it truncates the file before writing it). systemd-boot: bootctl set-default / set-oneshot on the host, loader.conf's default under a root.
/// </summary>
internal static partial class DefaultKernelPlanner
{
    /// <summary>The verb phrase of the change, as ShouldProcess shows it.</summary>
    public static string ActionOf(bool once) => once ? "Boot it on the next boot only" : "Make it the boot default";

    /// <summary>
    /// The change as a <see cref="ChangePlan"/> whose target is the kernel: file edits (with a .kmodps.bak backup)
    /// first, then the boot tools; <see cref="ChangePlan.Touches"/> names every file the tools rewrite. The caller adds
    /// the read-back (the kernel boots next).
    /// </summary>
    public static ChangePlan Plan(DefaultKernelRequest request) => request.Setup.Kind switch
    {
        BootLoaderKind.GrubBls => PlanGrubBls(request),
        BootLoaderKind.GrubDebian => PlanGrubDebian(request),
        BootLoaderKind.SystemdBoot => PlanSystemdBoot(request),
        _ => Refuse(request, new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.NotImplemented,
            $"No supported boot loader (GRUB with BLS, Debian GRUB, systemd-boot) was recognised under {request.RootPath}.", request.KernelVersion)),
    };

    private static ChangePlan PlanGrubBls(DefaultKernelRequest request)
    {
        var plan = new Steps(request, request.Setup.GrubEnvironmentPath ?? "/boot/grub2/grubenv");
        if (SavedDefaultFirst(request, BlsGrubConfig(request.Setup.GrubConfigPath), plan) is { } refusal)
        {
            return refusal;
        }
        if (request.IsHostRoot && !request.Once && request.Programs.ContainsKey("grubby"))
        {
            return plan.Run("grubby", "--set-default", "/boot/vmlinuz-" + request.KernelVersion).ToPlan();
        }
        if (request.IsHostRoot && request.Once && request.Programs.ContainsKey("grub2-reboot"))
        {
            return plan.Run("grub2-reboot", request.Entry.Id).ToPlan();
        }
        return EditEnvironment(plan, "grub2-editenv", "grub-editenv");
    }

    private static ChangePlan PlanGrubDebian(DefaultKernelRequest request)
    {
        var environment = request.Setup.GrubEnvironmentPath ?? "/boot/grub/grubenv";
        var plan = new Steps(request, environment);
        if (SavedDefaultFirst(request, DebianGrubConfig, plan) is { } refusal)
        {
            return refusal;
        }
        // grub-set-default and grub-reboot are grub-editenv on <boot directory>/grub/grubenv with the menu path; run
        // on a copy of the grubenv the root really has, the edit is the same and a kill cannot leave it truncated.
        return EditEnvironment(plan, "grub-editenv", "grub2-editenv");
    }

    /// <summary>
    /// GRUB reads next_entry whatever GRUB_DEFAULT says; saved_entry only matters with GRUB_DEFAULT=saved. Otherwise
    /// refuses, or with -Force plans the edit to GRUB_DEFAULT=saved and the regeneration of grub.cfg (on the host).
    /// </summary>
    private static ChangePlan? SavedDefaultFirst(DefaultKernelRequest request, (string Program, string[] Arguments, string Config) regenerate, Steps plan)
    {
        if (request.Once || request.Setup.GrubDefaultIsSaved)
        {
            return null;
        }
        var source = request.Setup.GrubDefaultSource ?? "/etc/default/grub";
        var regenerateText = string.Join(' ', new[] { regenerate.Program }.Concat(regenerate.Arguments));
        if (!request.Force && request.Setup.GrubDefaultUnknown)
        {
            return Refuse(request, new Failure(ErrorIds.GrubDefaultUnknown, FailureCategory.InvalidOperation,
                $"{request.RootPath} has no grub.cfg and no GRUB_DEFAULT in /etc/default/grub or /etc/default/grub.d, so which entry GRUB boots "
                + "by default is not known and a saved default could not be verified: nothing was changed. "
                + $"Use -Force to write GRUB_DEFAULT=saved to {source} (a backup is kept of an existing file) and run {regenerateText}, or -Once for the next boot only.", request.KernelVersion));
        }
        if (!request.Force)
        {
            var why = request.Setup.CompiledDefault is { } compiled
                ? $"{request.Setup.GrubConfigPath} was generated with default '{compiled}' (GRUB_DEFAULT={request.Setup.GrubDefault ?? "(not set)"} in {source} now)"
                : $"{source} sets GRUB_DEFAULT={request.Setup.GrubDefault}";
            return Refuse(request, new Failure(ErrorIds.GrubDefaultNotSaved, FailureCategory.InvalidOperation,
                $"{why}, so GRUB ignores a saved default: nothing was changed. "
                + $"Use -Force to set GRUB_DEFAULT=saved (a backup is kept) and run {regenerateText}, or -Once for the next boot only.", request.KernelVersion));
        }
        var text = request.GrubDefaultFileText ?? string.Empty;
        // Already saved in /etc/default/grub (grub.cfg is older than it): regenerating grub.cfg is all that is needed.
        if (SetGrubDefaultSaved(text) != text)
        {
            plan.Edit(source, $"GRUB_DEFAULT={request.Setup.GrubDefault ?? "(not set)"} -> GRUB_DEFAULT=saved", current => SetGrubDefaultSaved(current ?? string.Empty));
        }
        if (request.IsHostRoot && request.Programs.ContainsKey(regenerate.Program))
        {
            plan.Run(regenerate.Program, regenerate.Arguments).Touch(regenerate.Config);
        }
        else
        {
            plan.Warn($"grub.cfg under {request.RootPath} must be regenerated for GRUB_DEFAULT=saved to take effect: run {regenerateText} inside the root (chroot {request.RootPath} {regenerateText}).");
        }
        return null;
    }

    private static readonly (string, string[], string) DebianGrubConfig = ("update-grub", Array.Empty<string>(), "/boot/grub/grub.cfg");

    // grub2-mkconfig rewrites the grub.cfg GRUB runs (the detector skips an ESP stub that only loads it); without one found,
    // RHEL 9's single /boot/grub2/grub.cfg for BIOS and UEFI.
    private static (string, string[], string) BlsGrubConfig(string? config) =>
        ("grub2-mkconfig", new[] { "-o", config ?? "/boot/grub2/grub.cfg" }, config ?? "/boot/grub2/grub.cfg");

    private static ChangePlan PlanSystemdBoot(DefaultKernelRequest request)
    {
        if (request.IsHostRoot && request.Programs.ContainsKey("bootctl"))
        {
            return new Steps(request, null).Run("bootctl", request.Once ? "set-oneshot" : "set-default", request.Entry.Id).ToPlan();
        }
        if (request.Once || request.Setup.LoaderConfPath is null)
        {
            return Refuse(request, new Failure(ErrorIds.BootLoaderNotSupported, FailureCategory.InvalidOperation,
                request.Once ? "A one-shot systemd-boot entry is an EFI variable of the running machine: -Once works only on the host itself (Root /)."
                    : $"systemd-boot's loader.conf was not found under {request.RootPath}.", request.KernelVersion));
        }
        return new Steps(request, null)
            .Edit(request.Setup.LoaderConfPath, $"default {request.Entry.Id}", current => SetLoaderDefault(current ?? string.Empty, request.Entry.Id))
            .ToPlan();
    }

    /// <param name="tools">The family's name for grub-editenv first (a host has one of them).</param>
    private static ChangePlan EditEnvironment(Steps plan, params string[] tools)
    {
        var request = plan.Request;
        var tool = tools.FirstOrDefault(request.Programs.ContainsKey);
        if (tool is null)
        {
            return Refuse(request, new Failure(ErrorIds.BootToolNotFound, FailureCategory.NotInstalled,
                "Neither grubby, grub2-editenv nor grub-editenv is installed: the GRUB environment block cannot be changed safely.", request.KernelVersion));
        }
        var file = request.ToolPath(plan.Environment!);
        var program = request.Programs[tool];
        // As grub-set-default does: a pending one-shot would otherwise hide the new default on the next boot.
        var edits = request.Once
            ? new[] { new CommandRequest(program, new[] { file, "set", $"next_entry={request.Entry.MenuPath}" }) }
            : new[] { new CommandRequest(program, new[] { file, "unset", "next_entry" }), new CommandRequest(program, new[] { file, "set", $"saved_entry={request.Entry.MenuPath}" }) };
        return plan.EditCopy(plan.Environment!, file, edits).ToPlan();
    }

    private static ChangePlan Refuse(DefaultKernelRequest request, Failure refusal) =>
        ChangePlan.Refuse(ActionOf(request.Once), request.KernelVersion, ErrorIds.DefaultNotApplied, refusal);

    /// <summary>The steps gathered so far: file edits (backed up), boot tools judged by their exit code, touched files, warnings.</summary>
    private sealed class Steps
    {
        private readonly List<ChangeStep> _steps = new();
        private readonly List<string> _touches = new();
        private readonly List<string> _warnings = new();

        public Steps(DefaultKernelRequest request, string? environment)
        {
            Request = request;
            Environment = environment;
            if (environment is not null)
            {
                _touches.Add(environment);
            }
        }

        public DefaultKernelRequest Request { get; }

        /// <summary>The grubenv the tools rewrite (null for systemd-boot).</summary>
        public string? Environment { get; }

        public Steps Edit(string path, string description, Func<string?, string?> edit)
        {
            _steps.Add(FileChange.Edit($"edit {path}: {description} (backup {RootJail.BackupSuffix})", path, edit, keepBackup: true));
            return Touch(path);
        }

        public Steps Run(string program, params string[] arguments)
        {
            var command = new CommandRequest(Request.Programs[program], arguments);
            _steps.Add(new CommandChange(command, result => Judge(result, command)));
            return this;
        }

        /// <summary>Runs the grubenv tools on a copy that then replaces the file atomically (<see cref="CopyEditChange"/>).</summary>
        public Steps EditCopy(string treePath, string toolPath, IReadOnlyList<CommandRequest> commands)
        {
            _steps.Add(new CopyEditChange(treePath, toolPath, commands, Judge));
            return Touch(treePath);
        }

        private Failure? Judge(CommandResult result, CommandRequest command) => result.Succeeded ? null : new Failure(ErrorIds.DefaultNotApplied, FailureCategory.InvalidResult,
            $"Setting {Request.KernelVersion} as the default failed: {command.DisplayText} failed (exit {result.ExitCode}): {result.StandardError.Trim()}", Request.KernelVersion);

        public Steps Touch(string path)
        {
            if (!_touches.Contains(path))
            {
                _touches.Add(path);
            }
            return this;
        }

        public void Warn(string warning) => _warnings.Add(warning);

        public ChangePlan ToPlan() => new(ActionOf(Request.Once), Request.KernelVersion, ErrorIds.DefaultNotApplied)
        {
            Steps = _steps.ToList(),
            Touches = _touches.ToList(),
            Warnings = _warnings.ToList(),
        };
    }

    /// <summary>Replaces the GRUB_DEFAULT assignment (or appends one), keeping every other line as it was.</summary>
    public static string SetGrubDefaultSaved(string text)
    {
        var replaced = GrubDefaultLine().Replace(text, "GRUB_DEFAULT=saved");
        if (replaced != text || GrubDefaultLine().IsMatch(text))
        {
            return replaced;
        }
        var kept = text.TrimEnd('\n');
        return (kept.Length == 0 ? string.Empty : kept + "\n") + "GRUB_DEFAULT=saved\n";
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
