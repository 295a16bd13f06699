using System.Text.RegularExpressions;
using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Reads X.509 keys from the text of <c>/proc/keys</c>. A line is
/// <c>serial flags usage expiry perm uid gid type description</c>, the type cut to 9 characters; for an X.509 key
/// the description is the kernel's name for the subject, <c>": "</c>, the hex SubjectKeyIdentifier (the serial when
/// the certificate has none), then <c>": X509.rsa"</c>, the last 8 hex digits of the key id and <c>" []"</c>:
/// <c>1a2b3c4d I------     1 perm 1f030000     0     0 asymmetri Debian Secure Boot CA: 6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1: X509.rsa bb419ea1 []</c>.
/// The kernel names the subject by its CN, or <c>"O: CN"</c> when the CN does not begin with the organization.
/// </summary>
/// <remarks>
/// /proc/keys shows only keys the reader may view (the system keyrings need root) and does not say which keyring
/// links a key, so keys are taken only when a system keyring is visible at all, and only those owned by uid 0.
/// </remarks>
internal static partial class ProcKeys
{
    /// <summary>The keyrings whose keys verify module signatures (.platform and .machine on distribution kernels).</summary>
    public static readonly IReadOnlyList<string> SystemKeyrings = new[] { ".builtin_trusted_keys", ".secondary_trusted_keys", ".machine", ".platform" };

    private const int FieldCount = 9;

    /// <summary>An anchor (store <see cref="TrustStores.ProcKeys"/>) for each X.509 key owned by root.</summary>
    public static IReadOnlyList<TrustAnchor> ParseAnchors(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split((char[]?)null, FieldCount, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == FieldCount)
            .ToList();
        if (!lines.Any(fields => fields[7] == "keyring" && SystemKeyrings.Any(name => fields[8].StartsWith(name + ":", StringComparison.Ordinal))))
        {
            return Array.Empty<TrustAnchor>();
        }
        var anchors = new List<TrustAnchor>();
        foreach (var fields in lines)
        {
            if (fields[7] == "asymmetri" && fields[5] == "0" && ParseDescription(fields[8]) is { } anchor)
            {
                anchors.Add(anchor);
            }
        }
        return anchors;
    }

    /// <summary>The anchor described by the description column of an asymmetric key, or null for a non-X.509 key.</summary>
    public static TrustAnchor? ParseDescription(string description)
    {
        var match = X509Description().Match(description.TrimEnd());
        if (!match.Success)
        {
            return null;
        }
        var subject = match.Groups["subject"].Value;
        var id = Convert.FromHexString(match.Groups["id"].Value);
        // The kernel names the key by its SKID; only a certificate without one is named by its serial, and then no
        // key id suffix follows the algorithm.
        var isSerial = !match.Groups["kid"].Success;
        return new TrustAnchor(subject, null, Array.Empty<byte>(), isSerial ? id : Array.Empty<byte>(),
            isSerial ? null : Hex.Colon(id), TrustStores.ProcKeys);
    }

    [GeneratedRegex(@"^(?<subject>.*): (?<id>(?:[0-9a-fA-F]{2})+): X509\.\S+(?: (?<kid>[0-9a-fA-F]+))? \[[^\]]*\]$", RegexOptions.CultureInvariant)]
    private static partial Regex X509Description();
}
