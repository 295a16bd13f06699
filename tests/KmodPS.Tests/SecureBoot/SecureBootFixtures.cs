using System.Buffers.Binary;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.SecureBoot;

/// <summary>The roots, certificates and signed samples made by tests/fixtures/secureboot/make-fixtures.sh.</summary>
internal static class SecureBootFixtures
{
    public const string EfiGlobal = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
    public const string ShimLock = "605dab50-e046-4300-abb6-3dd810dd8b23";
    public const string ImageSecurityDb = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";
    public static readonly byte[] NvBsRt = { 0x07, 0x00, 0x00, 0x00 };

    public static DirectorySystemRoot Root(string name) => new(RepoPaths.Fixture("secureboot", name));

    public static byte[] Certificate(string name) => File.ReadAllBytes(RepoPaths.Fixture("secureboot", "keys", name + ".der"));

    public static string SamplePath(string name) => RepoPaths.Fixture("secureboot", "samples", name);

    /// <summary>The appended signature of a sample module, read the way the module readers read it.</summary>
    public static ModuleSignature? Signature(string sample)
    {
        using var file = new FileByteSource(SamplePath(sample));
        return AppendedSignature.Read(file);
    }

    /// <summary>One EFI_SIGNATURE_LIST of type EFI_CERT_X509_GUID holding one certificate.</summary>
    public static byte[] X509List(byte[] der, string owner = ShimLock) =>
        SignatureList(new Guid("a5c059a1-94e4-4aa7-87b5-ab155c2bf072"), new Guid(owner).ToByteArray().Concat(der).ToArray());

    public static byte[] SignatureList(Guid type, byte[] entry)
    {
        var header = new byte[28];
        type.ToByteArray().CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)(28 + entry.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)entry.Length);
        return header.Concat(entry).ToArray();
    }
}

/// <summary>A throw-away root for variables a test writes itself.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = Directory.CreateTempSubdirectory("kmodps-sb-").FullName;
    }

    public string Path { get; }

    public DirectorySystemRoot Root => new(Path);

    public void Write(string treePath, byte[] content)
    {
        var full = Path + treePath;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    /// <summary>An efivarfs file: NV+BS+RT attribute bytes, then the value.</summary>
    public void WriteEfivar(string name, string guid, byte[] value) =>
        Write($"/sys/firmware/efi/efivars/{name}-{guid}", SecureBootFixtures.NvBsRt.Concat(value).ToArray());

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
