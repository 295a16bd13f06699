namespace KmodPS.Core.Models;

/// <summary>One out-of-tree module on one installed kernel.</summary>
public sealed class ModuleStatus
{
    public ModuleStatus(
        string name, string? moduleVersion, string kernelVersion, ModuleProvider provider, ModuleState state, string reason,
        string? package, string? path, string? vermagic, string? srcVersion, string? signer, string? sigKey,
        bool? signatureTrusted, bool? isLoaded, bool isRunningKernel, bool isNextBootKernel, string root, string? signatureCheck = null)
    {
        Name = name;
        ModuleVersion = moduleVersion;
        KernelVersion = kernelVersion;
        Provider = provider;
        State = state;
        Reason = reason;
        Package = package;
        Path = path;
        Vermagic = vermagic;
        SrcVersion = srcVersion;
        Signer = signer;
        SigKey = sigKey;
        SignatureTrusted = signatureTrusted;
        IsLoaded = isLoaded;
        IsRunningKernel = isRunningKernel;
        IsNextBootKernel = isNextBootKernel;
        Root = root;
        SignatureCheck = signatureCheck;
    }

    /// <summary>The module name as the kernel knows it (underscores, no .ko).</summary>
    public string Name { get; }

    /// <summary>The module's <c>version=</c>, or the DKMS package version.</summary>
    public string? ModuleVersion { get; }

    public string KernelVersion { get; }

    public ModuleProvider Provider { get; }

    public ModuleState State { get; }

    /// <summary>What the state means for this host and what to do about it.</summary>
    public string Reason { get; }

    /// <summary>The owning package (RPM NEVRA or deb name), or the DKMS package/version.</summary>
    public string? Package { get; }

    /// <summary>The module file inside the root; null when Missing.</summary>
    public string? Path { get; }

    public string? Vermagic { get; }

    public string? SrcVersion { get; }

    /// <summary>The signature's signer (issuer common name), as modinfo shows it.</summary>
    public string? Signer { get; }

    /// <summary>The signature's key id (issuer serial number), as modinfo shows it.</summary>
    public string? SigKey { get; }

    /// <summary>
    /// True when the signature verifies, over the module bytes, against a key the kernel trusts (MOK list, db, a kernel
    /// keyring key or signing certificate on the root); false when unsigned, invalid, or by a key not trusted; null
    /// when no file, or when the key it names is trusted but its certificate is not on the root to verify with.
    /// </summary>
    public bool? SignatureTrusted { get; }

    /// <summary>Which key verified the signature (<c>verified by the MokListRT key '...'</c>), or why none did; null when no file.</summary>
    public string? SignatureCheck { get; }

    /// <summary>Loaded now with the same srcversion; only known for the running kernel of the host's own root.</summary>
    public bool? IsLoaded { get; }

    public bool IsRunningKernel { get; }

    public bool IsNextBootKernel { get; }

    public string Root { get; }

    /// <summary>True for every state but Installed, Built and Excluded.</summary>
    public bool IsProblem => State is not (ModuleState.Installed or ModuleState.Built or ModuleState.Excluded);

    public override string ToString() => $"{Name} {KernelVersion} {State}";
}
