using System.Text;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Hosts;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// Reads the entries systemd-boot shows from one partition: type #1 <c>loader/entries/*.conf</c> whose
/// <c>linux</c>/<c>efi</c> file exists, and type #2 unified kernel images <c>EFI/Linux/*.efi</c> with an
/// <c>.osrel</c> section (the kernel release comes from their <c>.uname</c> section, else from a file name of the
/// form <c>&lt;token&gt;-&lt;release&gt;.efi</c>). Ids are the lower-case file names, as systemd-boot uses them.
/// </summary>
internal sealed class SystemdBootEntryReader(ISystemRoot root)
{
    public IEnumerable<SystemdBootEntry> Read(string partition, DiagnosticLog log) =>
        ReadType1(partition, log).Concat(ReadType2(partition, log));

    private IEnumerable<SystemdBootEntry> ReadType1(string partition, DiagnosticLog log)
    {
        var directory = TreePath.Combine(partition, "loader/entries");
        foreach (var name in root.ListDirectory(directory))
        {
            if (name.StartsWith('.') || name.StartsWith("auto-", StringComparison.Ordinal) || !name.EndsWith(".conf", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var path = TreePath.Combine(directory, name);
            if (!root.FileExists(path) || ReadText(path, log) is not { } text)
            {
                continue;
            }
            var file = BlsEntryFile.Parse(text);
            var linux = file.GetLast("linux");
            var loader = linux ?? file.GetLast("efi");
            if (loader is null)
            {
                log.Warn($"{path} has neither a 'linux' nor an 'efi' line; systemd-boot skips it.");
                continue;
            }
            if (!root.FileExists(TreePath.Combine(partition, loader)))
            {
                log.Warn($"{path} loads {loader}, which does not exist in {partition}; systemd-boot skips the entry.");
                continue;
            }
            var version = file.GetLast("version");
            var kernel = linux is null ? null : KernelImageName.Validate(version) ?? KernelImageName.FromPath(linux) ?? FromEntryDirectory(linux);
            var (left, done) = BootCounter.Parse(name, ".conf");
            var entry = new BootEntry(name.ToLowerInvariant(), file.GetLast("title"), kernel, loader, path)
            {
                IsRecovery = KernelImageName.IsRescue(name) || (file.GetLast("title")?.Contains("rescue", StringComparison.OrdinalIgnoreCase) ?? false),
            };
            yield return new SystemdBootEntry(entry, file.GetLast("sort-key"), file.GetLast("machine-id"), version, left, done);
        }
    }

    private IEnumerable<SystemdBootEntry> ReadType2(string partition, DiagnosticLog log)
    {
        var directory = TreePath.Combine(partition, "EFI/Linux");
        foreach (var name in root.ListDirectory(directory))
        {
            if (name.StartsWith('.') || name.StartsWith("auto-", StringComparison.Ordinal) || !name.EndsWith(".efi", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var path = TreePath.Combine(directory, name);
            if (!root.FileExists(path) || ReadSections(path, log) is not { } sections)
            {
                continue;
            }
            if (!sections.TryGetValue(".osrel", out var osrelBytes))
            {
                log.Warn($"{path} has no .osrel section; systemd-boot skips it.");
                continue;
            }
            var osrel = OsRelease.Parse(Decode(osrelBytes));
            var title = First(osrel, "PRETTY_NAME", "IMAGE_ID", "NAME", "ID");
            if (title is null)
            {
                log.Warn($"{path} has an .osrel section without a name; systemd-boot skips it.");
                continue;
            }
            var uname = sections.TryGetValue(".uname", out var unameBytes) ? Decode(unameBytes).Trim() : null;
            var kernel = KernelImageName.Validate(uname) ?? FromUkiName(name);
            var (left, done) = BootCounter.Parse(name, ".efi");
            var entry = new BootEntry(name.ToLowerInvariant(), title, kernel, "/EFI/Linux/" + name, path);
            yield return new SystemdBootEntry(entry, First(osrel, "IMAGE_ID", "ID"), null, First(osrel, "IMAGE_VERSION", "VERSION", "VERSION_ID", "BUILD_ID"), left, done);
        }
    }

    // kernel-install's layout for type #1 entries: /<entry-token>/<release>/linux.
    private static string? FromEntryDirectory(string linux)
    {
        var parts = linux.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[^1] == "linux" ? KernelImageName.Validate(parts[^2]) : null;
    }

    // kernel-install names UKIs <entry-token>-<release>.efi; take the release after the first dash that starts one.
    private static string? FromUkiName(string name)
    {
        var stem = BootCounter.Strip(name, ".efi");
        for (var dash = stem.IndexOf('-'); dash >= 0; dash = stem.IndexOf('-', dash + 1))
        {
            var candidate = stem[(dash + 1)..];
            if (candidate.Contains('.') && KernelImageName.Validate(candidate) is { } release)
            {
                return release;
            }
        }
        return null;
    }

    private static string? First(IReadOnlyDictionary<string, string> values, params string[] keys) =>
        keys.Select(k => values.TryGetValue(k, out var v) && v.Length > 0 ? v : null).FirstOrDefault(v => v is not null);

    private static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes).TrimEnd('\0');

    private string? ReadText(string path, DiagnosticLog log)
    {
        try
        {
            return root.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }

    private IReadOnlyDictionary<string, byte[]>? ReadSections(string path, DiagnosticLog log)
    {
        try
        {
            using var stream = root.OpenRead(path);
            var sections = PeSections.Read(stream, ".osrel", ".uname");
            if (sections is null)
            {
                log.Warn($"{path} is not a PE image; systemd-boot skips it.");
            }
            return sections;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            return null;
        }
    }
}
