using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Dkms;

/// <summary>
/// The certificate DKMS signs modules with: <c>mok_certificate</c> from /etc/dkms/framework.conf (and
/// framework.conf.d/*.conf), else dkms 3.x's default /var/lib/dkms/mok.pub, else Debian's shim-signed MOK.
/// </summary>
internal static class DkmsSigningCertificate
{
    private static readonly string[] Defaults = { "/var/lib/dkms/mok.pub", "/var/lib/shim-signed/mok/MOK.der" };

    public static string? FindPath(ISystemRoot root)
    {
        var configured = ConfigFiles(root).Select(f => Setting(root, f, "mok_certificate")).LastOrDefault(v => v is not null);
        return configured is not null && root.FileExists(configured) ? configured : Defaults.FirstOrDefault(root.FileExists);
    }

    /// <summary>The certificate as the signature it produces would identify it (issuer + serial), or null.</summary>
    public static ModuleSignature? AsSigner(ISystemRoot root)
    {
        if (FindPath(root) is not { } path)
        {
            return null;
        }
        try
        {
            var bytes = root.ReadAllBytes(path);
            using var certificate = new X509Certificate2(bytes);
            var serial = certificate.SerialNumberBytes.ToArray(); // big-endian, as in the certificate
            return new ModuleSignature("PKCS#7", ModuleCms.CommonName(certificate.IssuerName.RawData), Hex.Colon(serial.SkipWhile(b => b == 0).ToArray()),
                null, certificate.IssuerName.RawData, serial);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> ConfigFiles(ISystemRoot root) =>
        new[] { "/etc/dkms/framework.conf" }.Concat(root.ListDirectory("/etc/dkms/framework.conf.d").Where(n => n.EndsWith(".conf", StringComparison.Ordinal))
            .Select(n => "/etc/dkms/framework.conf.d/" + n)).Where(root.FileExists);

    private static string? Setting(ISystemRoot root, string file, string key)
    {
        foreach (var line in root.ReadAllText(file).Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim('"', '\'');
            }
        }
        return null;
    }
}
