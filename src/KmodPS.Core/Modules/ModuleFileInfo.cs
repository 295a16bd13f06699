namespace KmodPS.Core.Modules;

/// <summary>What a <c>.ko</c> file says about itself: its <c>.modinfo</c> fields and appended signature.</summary>
public sealed class ModuleFileInfo
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _fields;

    public ModuleFileInfo(string path, IReadOnlyDictionary<string, IReadOnlyList<string>> fields, ModuleSignature? signature)
    {
        Path = path;
        _fields = fields;
        Signature = signature;
    }

    public string Path { get; }

    /// <summary>The same module read at another path (a hard link to the same file).</summary>
    internal ModuleFileInfo At(string path) => path == Path ? this : new ModuleFileInfo(path, _fields, Signature);

    /// <summary>The module name: <c>name=</c> from .modinfo, else the file name with '-' as '_' (as the kernel does).</summary>
    public string Name => Field("name") ?? NameFromPath(Path);

    public string? Version => Field("version");

    public string? SrcVersion => Field("srcversion");

    public string? Vermagic => Field("vermagic");

    public string? Depends => Field("depends");

    public string? License => Field("license");

    /// <summary>True only when .modinfo says <c>intree=Y</c> (the build system sets it for in-tree modules only).</summary>
    public bool InTree => Field("intree") == "Y";

    public bool Retpoline => Field("retpoline") == "Y";

    public ModuleSignature? Signature { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Fields => _fields;

    /// <summary>The first value of a .modinfo key, or null.</summary>
    public string? Field(string key) => _fields.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The kernel release at the start of vermagic (<c>6.1.0-56-amd64 SMP preempt ...</c>).</summary>
    public string? VermagicKernel => Vermagic?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    public static string NameFromPath(string path)
    {
        var file = System.IO.Path.GetFileName(path);
        var dot = file.IndexOf(".ko", StringComparison.Ordinal);
        return (dot > 0 ? file[..dot] : file).Replace('-', '_');
    }
}
