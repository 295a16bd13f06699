namespace KmodPS.Core.SecureBoot;

/// <summary>The GUIDs of the UEFI specification and shim that name the variables and signature types read here.</summary>
internal static class EfiGuids
{
    /// <summary>EFI_GLOBAL_VARIABLE: SecureBoot, SetupMode, PK, KEK.</summary>
    public const string GlobalVariable = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    /// <summary>SHIM_LOCK_GUID: MokListRT, MokSBStateRT.</summary>
    public const string ShimLock = "605dab50-e046-4300-abb6-3dd810dd8b23";

    /// <summary>EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx.</summary>
    public const string ImageSecurityDatabase = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";

    /// <summary>EFI_CERT_X509_GUID: the entries of the list are DER X.509 certificates.</summary>
    public static readonly Guid CertX509 = new("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
}
