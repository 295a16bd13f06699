using System.Buffers.Binary;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;
using KmodPS.Core.TestRoots;
using KmodPS.Tests.SecureBoot;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// Modules signed by the kernel's own sign-file with lab keys, verified by KmodPS and, as the oracle, by
/// <c>openssl cms -verify</c> over the same module bytes: every verdict must agree with the real tools, for .ko and
/// for the .ko.xz, .ko.zst and .ko.gz the real compressors make of it.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ModuleSignatureLabTests : IDisposable
{
    private static readonly string[] Compressions = { string.Empty, ".xz", ".zst", ".gz" };

    private readonly string _work = Directory.CreateTempSubdirectory("kmodps-signing-").FullName;
    private readonly ITestOutputHelper _output;

    public ModuleSignatureLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _ = lab;
        _output = output;
        // The lab key, a twin with the same subject and serial but another key pair, and a third key with the same
        // subject and another serial.
        MakeKey("lab", "0x5eed0001");
        MakeKey("twin", "0x5eed0001");
        MakeKey("namesake", "0x0badc0de");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [LabFact]
    public void VerdictsAgreeWithOpensslOnSignFileSignatures()
    {
        var enrolled = State(enrol: "lab", keep: null);
        var kept = State(enrol: null, keep: "lab");
        var nothing = State(enrol: null, keep: null);
        // OpensslValid: whether openssl finds a valid signature by the lab key over the module bytes.
        var cases = new List<(string Name, string Module, SecureBootState State, SignatureVerdict Expected, bool OpensslValid)>
        {
            ("enrolled", Signed("lab"), enrolled, SignatureVerdict.Verified, true),
            ("kept, not enrolled", Signed("lab"), kept, SignatureVerdict.KeyNotEnrolled, true),
            ("unknown signer", Signed("lab"), nothing, SignatureVerdict.SignerUnknown, true),
            ("flipped code byte", Flip(Signed("lab"), fromEnd: false), enrolled, SignatureVerdict.Invalid, false),
            ("flipped signature byte", Flip(Signed("lab"), fromEnd: true), enrolled, SignatureVerdict.Invalid, false),
            ("twin key, same subject and serial", Signed("twin"), enrolled, SignatureVerdict.Invalid, false),
            ("namesake key, same subject", Signed("namesake"), enrolled, SignatureVerdict.SignerUnknown, false),
        };
        foreach (var (name, module, state, expected, opensslExpected) in cases)
        {
            var opensslValid = OpensslVerifies(module, "lab");
            Assert.True(opensslValid == opensslExpected, $"{name}: openssl says the signature is {(opensslValid ? "valid" : "invalid")} for the lab key");
            foreach (var suffix in Compressions)
            {
                var file = Compress(module, suffix);
                var check = state.Check(ModuleFileReader.Read(file, file).Signature);
                _output.WriteLine($"{name}{suffix}: {check.Verdict} ({check.Description}); openssl valid for the lab key: {opensslValid}");
                Assert.True(expected == check.Verdict, $"{name}{suffix}: expected {expected}, got {check.Verdict}: {check.Description}");
            }
        }
    }

    [LabFact]
    public void ASha1SignatureIsNotAllowedEvenFromAnEnrolledKey()
    {
        var module = Unsigned("sha1");
        var (exit, output) = Shell.Run(SignFile(), TimeSpan.FromMinutes(1), "sha1", Key("lab"), Certificate("lab"), module);
        if (exit != 0)
        {
            Assert.Fail($"sign-file could not sign with sha1 here: {output}");
        }
        Assert.True(OpensslVerifies(module, "lab"), "openssl should accept the sha1 signature itself");
        var check = State(enrol: "lab", keep: null).Check(ModuleFileReader.Read(module, module).Signature);
        Assert.Equal(SignatureVerdict.HashNotAllowed, check.Verdict);
        Assert.False(check.Trusted);
    }

    private SecureBootState State(string? enrol, string? keep)
    {
        var root = Path.Combine(_work, $"root-{enrol}-{keep}");
        void Write(string path, byte[] content)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root + path)!);
            File.WriteAllBytes(root + path, content);
        }
        Write($"/sys/firmware/efi/efivars/SecureBoot-{SecureBootFixtures.EfiGlobal}", SecureBootFixtures.NvBsRt.Append((byte)1).ToArray());
        if (enrol is not null)
        {
            Write($"/sys/firmware/efi/efivars/MokListRT-{SecureBootFixtures.ShimLock}",
                SecureBootFixtures.NvBsRt.Concat(SecureBootFixtures.X509List(File.ReadAllBytes(Certificate(enrol)))).ToArray());
        }
        if (keep is not null)
        {
            Write("/var/lib/dkms/mok.pub", File.ReadAllBytes(Certificate(keep)));
        }
        var log = new DiagnosticLog();
        var state = new SecureBootReader(new KmodPS.Core.Platform.DirectorySystemRoot(root)).Read(log);
        Assert.Empty(log.Warnings);
        return state;
    }

    private string Unsigned(string name)
    {
        var path = Path.Combine(_work, name + ".ko");
        File.WriteAllBytes(path, ElfModuleWriter.Write(new Dictionary<string, string> { ["name"] = "labsig", ["vermagic"] = "6.1.0-57-amd64 SMP mod_unload modversions " }));
        return path;
    }

    private string Signed(string key)
    {
        var module = Unsigned("signed-" + key + "-" + Guid.NewGuid().ToString("N")[..8]);
        var (exit, output) = Shell.Run(SignFile(), TimeSpan.FromMinutes(1), "sha256", Key(key), Certificate(key), module);
        Assert.True(exit == 0, output);
        return module;
    }

    private static string Flip(string module, bool fromEnd)
    {
        var bytes = File.ReadAllBytes(module);
        // 40 bytes before the end is inside the RSA signature value, the last field of the PKCS#7 blob; byte 100 is
        // inside the ELF image.
        bytes[fromEnd ? bytes.Length - 28 - 12 - 40 : 100] ^= 0x01;
        File.WriteAllBytes(module, bytes);
        return module;
    }

    private string Compress(string module, string suffix)
    {
        if (suffix.Length == 0)
        {
            return module;
        }
        var copy = Path.Combine(_work, "c-" + Guid.NewGuid().ToString("N")[..8] + "-" + Path.GetFileName(module));
        File.Copy(module, copy);
        var (tool, arguments) = suffix switch
        {
            ".xz" => ("xz", new[] { "--check=crc32", "--lzma2=dict=1MiB", copy }),
            ".zst" => ("zstd", new[] { "-q", "--rm", copy }),
            _ => ("gzip", new[] { "-9", copy }),
        };
        Shell.Stdout(tool, arguments);
        return copy + suffix;
    }

    // The kernel's rule, done by openssl: the PKCS#7 blob before the 12-byte trailer and the magic, over every byte before it.
    private bool OpensslVerifies(string module, string key)
    {
        var bytes = File.ReadAllBytes(module);
        var blobEnd = bytes.Length - 28 - 12;
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(blobEnd + 8));
        var content = Path.Combine(_work, "content-" + Guid.NewGuid().ToString("N"));
        var signature = content + ".p7s";
        File.WriteAllBytes(content, bytes[..(blobEnd - length)]);
        File.WriteAllBytes(signature, bytes[(blobEnd - length)..blobEnd]);
        var (exit, _) = Shell.Run("openssl", TimeSpan.FromMinutes(1), "cms", "-verify", "-binary", "-inform", "DER", "-in", signature,
            "-content", content, "-certfile", Pem(key), "-nointern", "-noverify", "-out", "/dev/null");
        return exit == 0;
    }

    private void MakeKey(string name, string serial)
    {
        var (exit, output) = Shell.Run("openssl", TimeSpan.FromMinutes(1), "req", "-new", "-x509", "-nodes", "-days", "36500", "-sha256",
            "-newkey", "rsa:2048", "-subj", "/CN=KmodPS lab module key", "-set_serial", serial,
            "-addext", "subjectKeyIdentifier=hash", "-keyout", Key(name), "-out", Pem(name));
        Assert.True(exit == 0, output);
        Shell.Stdout("openssl", "x509", "-in", Pem(name), "-outform", "DER", "-out", Certificate(name));
    }

    private string Key(string name) => Path.Combine(_work, name + ".key");

    private string Pem(string name) => Path.Combine(_work, name + ".pem");

    private string Certificate(string name) => Path.Combine(_work, name + ".der");

    private static string SignFile() =>
        Directory.GetDirectories("/usr/lib").Where(d => Path.GetFileName(d).StartsWith("linux-kbuild-", StringComparison.Ordinal))
            .Select(d => Path.Combine(d, "scripts", "sign-file")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("no /usr/lib/linux-kbuild-*/scripts/sign-file (tests/lab/install.sh installs it)");
}
