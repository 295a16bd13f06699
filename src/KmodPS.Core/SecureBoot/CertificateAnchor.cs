using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;

namespace KmodPS.Core.SecureBoot;

/// <summary>Turns an enrolled DER certificate into a <see cref="TrustAnchor"/>.</summary>
internal static class CertificateAnchor
{
    /// <summary>The anchor, or null (with a warning naming <paramref name="source"/>) when the bytes are no certificate.</summary>
    public static TrustAnchor? FromDer(byte[] der, string store, string source, DiagnosticLog log)
    {
        try
        {
            using var certificate = new X509Certificate2(der);
            var skid = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
            return new TrustAnchor(
                ModuleCms.CommonName(certificate.SubjectName.RawData),
                ModuleCms.CommonName(certificate.IssuerName.RawData),
                certificate.IssuerName.RawData,
                certificate.SerialNumberBytes.ToArray(),
                skid is null ? null : Hex.Colon(skid.SubjectKeyIdentifierBytes.Span),
                store) { Certificate = der, Source = source };
        }
        catch (CryptographicException e)
        {
            log.Warn($"{source}: an X.509 entry of {der.Length} bytes is not a valid certificate ({e.Message}); ignored.");
            return null;
        }
    }
}
