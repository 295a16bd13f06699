using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Answers which kernel boots next under a root, from the boot loader's own state (BLS entries and grubenv for GRUB
/// on RHEL, grub.cfg and grubenv for GRUB on Debian, loader.conf, entries and EFI variables for systemd-boot).
/// It reads files only and never guesses: when the configuration does not determine a kernel, the kernel is null and
/// the log says why.
/// </summary>
internal sealed class NextBootResolver
{
    private readonly ISystemRoot _root;

    public NextBootResolver(ISystemRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
    }

    /// <summary>Every boot entry of the boot loader that decides the next boot, in menu order.</summary>
    public Report<BootEntry> ReadEntries()
    {
        var log = new DiagnosticLog();
        var configuration = BootLoaderDetector.Detect(_root, log);
        var entries = configuration?.ReadEntries(log) ?? Array.Empty<BootEntry>();
        return log.ToReport(entries);
    }

    /// <summary>The kernel that boots next; when it cannot be known, <see cref="NextBoot.KernelVersion"/> is null and a warning says why.</summary>
    public NextBoot Resolve(DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var configuration = BootLoaderDetector.Detect(_root, log);
        if (configuration is null)
        {
            const string why = "No single boot loader configuration was recognised under the root.";
            log.Warn($"The next boot kernel cannot be known: {why}");
            return new NextBoot(BootLoaderKind.Unknown, null, null, false, why);
        }
        return configuration.Resolve(log);
    }

    /// <summary>The boot loader's kind and the files that hold its default, for Set-DefaultKernel; null when none is recognised.</summary>
    public BootLoaderSetup? Describe(DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var configuration = BootLoaderDetector.Detect(_root, log);
        var grubDefault = GrubDefaultsFile.ReadGrubDefault(_root, log);
        return configuration switch
        {
            GrubBlsConfiguration bls => new BootLoaderSetup(bls.Kind, bls.Layout.EnvironmentPath, grubDefault?.Value.Value, grubDefault?.Source, null)
                { GrubConfigPath = bls.Layout.ConfigPath, CompiledDefault = GrubConfigHeader.Read(_root, bls.Layout.ConfigPath, log)?.CompiledDefault },
            GrubClassicConfiguration grub => new BootLoaderSetup(grub.Kind, grub.Layout.EnvironmentPath ?? "/boot/grub/grubenv", grubDefault?.Value.Value, grubDefault?.Source, null)
                { GrubConfigPath = grub.Layout.ConfigPath, CompiledDefault = GrubConfigHeader.Read(_root, grub.Layout.ConfigPath, log)?.CompiledDefault },
            SystemdBootConfiguration systemd => new BootLoaderSetup(systemd.Kind, null, null, null, systemd.Layout.LoaderConf),
            _ => null,
        };
    }

    /// <summary>
    /// The entry that boots <paramref name="kernelVersion"/>: a normal entry rather than a recovery one, and one whose
    /// id names the release (Debian's per-kernel entry rather than its plain "newest kernel" entry); null when none does.
    /// </summary>
    public BootEntry? FindEntryForKernel(string kernelVersion) => FindEntryForKernel(ReadEntries().Items, kernelVersion);

    /// <summary>The same choice among entries already read (one read for many kernels).</summary>
    public static BootEntry? FindEntryForKernel(IEnumerable<BootEntry> entries, string kernelVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(kernelVersion);
        return entries
            .Where(e => e.KernelVersion == kernelVersion)
            .OrderBy(e => e.IsRecovery)
            .ThenBy(e => !e.Id.Contains(kernelVersion, StringComparison.Ordinal))
            .FirstOrDefault();
    }
}
