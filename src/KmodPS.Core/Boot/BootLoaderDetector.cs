using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Finds which boot loader configuration a root carries. BLS entries plus a GRUB 2 directory (or a grubenv on the
/// ESP) mean GRUB with blscfg; <c>/boot/grub/grub.cfg</c> (or <c>/boot/grub2/grub.cfg</c> without BLS entries)
/// means a classic GRUB menu; <c>loader/loader.conf</c> or the systemd-boot binary on an ESP means systemd-boot.
/// When GRUB and systemd-boot are both installed, the <c>LoaderInfo</c> EFI variable (set by the loader that booted)
/// decides; without it the loader is unknown.
/// </summary>
internal static class BootLoaderDetector
{
    private const string Grub2Directory = "/boot/grub2";
    private const string DebianGrubDirectory = "/boot/grub";
    private const string EspVendorDirectory = "/boot/efi/EFI";

    public static IBootLoaderConfiguration? Detect(ISystemRoot root, DiagnosticLog log)
    {
        var grub = DetectGrub(root, log);
        var systemdBoot = SystemdBootLayout.Find(root);
        if (!systemdBoot.IsInstalled)
        {
            if (grub is null)
            {
                log.Warn($"No boot loader configuration found under {root.RootPath} (no BLS entries with GRUB 2, no /boot/grub/grub.cfg, no systemd-boot loader.conf).");
            }
            return grub;
        }
        var sdBoot = new SystemdBootConfiguration(root, systemdBoot);
        if (grub is null)
        {
            return sdBoot;
        }
        var loaderInfo = EfiVariables.ReadString(root, "LoaderInfo", log);
        if (loaderInfo is not null && loaderInfo.StartsWith("systemd-boot", StringComparison.OrdinalIgnoreCase))
        {
            return sdBoot;
        }
        if (loaderInfo is not null && loaderInfo.Contains("GRUB", StringComparison.OrdinalIgnoreCase))
        {
            return grub;
        }
        log.Warn($"Both GRUB ({grub.Kind}) and systemd-boot ({systemdBoot.LoaderConf ?? "EFI/systemd"}) are configured under {root.RootPath}, and no LoaderInfo EFI variable says which one booted; the firmware's boot order decides, which KmodPS does not read.");
        return null;
    }

    private static IBootLoaderConfiguration? DetectGrub(ISystemRoot root, DiagnosticLog log)
    {
        var espGrubDirectories = root.ListDirectory(EspVendorDirectory).Select(v => TreePath.Combine(EspVendorDirectory, v)).ToList();
        var hasBlsEntries = root.ListDirectory(GrubBlsConfiguration.EntriesDirectory).Any(n => n.EndsWith(".conf", StringComparison.Ordinal) && !n.StartsWith('.'));
        var hasGrub2 = root.DirectoryExists(Grub2Directory) || espGrubDirectories.Any(d => root.FileExists(TreePath.Combine(d, "grubenv")));
        if (hasBlsEntries && hasGrub2)
        {
            var configs = new[] { Grub2Directory }.Concat(espGrubDirectories).Select(d => TreePath.Combine(d, "grub.cfg")).ToList();
            var config = configs.FirstOrDefault(c => IsRealConfig(root, c, out _));
            var environment = FindEnvironment(root, config, espGrubDirectories, log);
            var layout = new GrubLayout(BootLoaderKind.GrubBls, config, environment, IdFirst: true);
            if (config is not null && IsRealConfig(root, config, out var header) && !header!.UsesBlscfg && HasMenuEntries(root, config))
            {
                log.Warn($"{config} does not run blscfg (GRUB_ENABLE_BLSCFG=false); its own menu entries are used instead of {GrubBlsConfiguration.EntriesDirectory}.");
                return new GrubClassicConfiguration(root, layout);
            }
            return new GrubBlsConfiguration(root, layout);
        }
        foreach (var directory in new[] { DebianGrubDirectory, Grub2Directory })
        {
            var config = TreePath.Combine(directory, "grub.cfg");
            if (root.FileExists(config))
            {
                var environment = TreePath.Combine(directory, "grubenv");
                return new GrubClassicConfiguration(root, new GrubLayout(BootLoaderKind.GrubDebian, config, environment, IdFirst: false));
            }
        }
        return null;
    }

    // A stub grub.cfg on the ESP (search ...; configfile $prefix/grub.cfg) sets no default; the real one does.
    private static bool IsRealConfig(ISystemRoot root, string path, out GrubConfigHeader? header)
    {
        header = null;
        if (!root.FileExists(path))
        {
            return false;
        }
        try
        {
            header = GrubConfigHeader.Parse(root.ReadAllText(path));
            return header.UsesBlscfg || header.HonoursNextEntry || header.CompiledDefault is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool HasMenuEntries(ISystemRoot root, string path)
    {
        try
        {
            return GrubMenuParser.Parse(root.ReadAllText(path)).Count > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // GRUB loads the grubenv next to the grub.cfg it runs (${config_directory}/grubenv), else $prefix/grubenv.
    private static string? FindEnvironment(ISystemRoot root, string? config, IReadOnlyList<string> espGrubDirectories, DiagnosticLog log)
    {
        if (config is not null)
        {
            var beside = TreePath.Combine(config[..config.LastIndexOf('/')], "grubenv");
            if (root.FileExists(beside))
            {
                return beside;
            }
        }
        var candidates = new[] { Grub2Directory }.Concat(espGrubDirectories)
            .Select(d => TreePath.Combine(d, "grubenv"))
            .Where(root.FileExists)
            .ToList();
        if (candidates.Select(c => root.ResolvePath(c)).Distinct().Count() > 1)
        {
            log.Warn($"Several grubenv files exist ({string.Join(", ", candidates)}); using {candidates[0]}.");
        }
        return candidates.FirstOrDefault();
    }
}
