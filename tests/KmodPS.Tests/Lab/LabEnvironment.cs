using System.Security.Cryptography;
using System.Text;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Where the lab worlds live and whether lab tests can run here. Without the tools, lab tests are skipped
/// with a reason; with KMODPS_LAB=required (CI) they run and fail instead.
/// </summary>
public static class LabEnvironment
{
    public static readonly string[] Tools = { "dkms", "rpm", "rpmbuild", "dnf", "zypper", "createrepo_c", "modinfo", "dpkg-deb", "grub-editenv", "gcc", "openssl", "unshare" };

    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("KMODPS_LAB"), "required", StringComparison.OrdinalIgnoreCase);

    public static string Directory => Environment.GetEnvironmentVariable("KMODPS_LAB_DIR") is { Length: > 0 } d ? d : "/tmp/kmodps-lab";

    public static string LabScripts => Path.Combine(RepoPaths.Root, "tests", "lab");

    public static string World(string name) => Path.Combine(Directory, name);

    public static IReadOnlyList<string> MissingTools() =>
        Tools.Where(t => !new[] { "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Any(d => File.Exists(Path.Combine(d, t)))).ToList();

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Null when lab tests can run; otherwise why not.</summary>
    public static string? SkipReason()
    {
        if (Required)
        {
            return null;
        }
        var missing = MissingTools();
        if (missing.Count > 0)
        {
            return $"lab tools missing ({string.Join(", ", missing)}): run 'sudo tests/lab/install.sh', or set KMODPS_LAB=required to fail instead of skipping";
        }
        return IsRoot ? null : "lab worlds are built with real dkms/dnf and need root: run the tests as root, or set KMODPS_LAB=required to fail instead of skipping";
    }

    /// <summary>The Debian ABI the lab built with headers and DKMS (what linux-headers-amd64 pointed at when it was built).</summary>
    public static string DebianKernel => Built("debian_abi");

    /// <summary>The older Debian ABI the lab installed without headers.</summary>
    public static string DebianOldKernel => Built("debian_old_abi");

    /// <summary>A Debian ABI newer than any the lab installed (a future update).</summary>
    public static string DebianNextKernel
    {
        get
        {
            var parts = DebianKernel.Split('-');
            return $"{parts[0]}-{int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 1}-{parts[2]}";
        }
    }

    // Debian's archive moves its kernel ABI on (6.1.0-56, then -57, ...); build.sh records what it used in .built.
    private static string Built(string key)
    {
        var path = Path.Combine(Directory, ".built");
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{path} has no {key}= line: rebuild the lab (tests/lab/build.sh)");
        return line[(key.Length + 1)..];
    }

    /// <summary>A fingerprint of the lab scripts: worlds built by other scripts are rebuilt.</summary>
    public static string ScriptsFingerprint()
    {
        using var sha = SHA256.Create();
        foreach (var file in System.IO.Directory.EnumerateFiles(LabScripts, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = Encoding.UTF8.GetBytes(Path.GetRelativePath(LabScripts, file));
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var content = File.ReadAllBytes(file);
            sha.TransformBlock(content, 0, content.Length, null, 0);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexString(sha.Hash!)[..16];
    }
}
