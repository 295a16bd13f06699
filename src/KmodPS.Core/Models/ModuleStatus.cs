namespace KmodPS.Core.Models;

/// <summary>One out-of-tree module on one installed kernel.</summary>
public sealed class ModuleStatus
{
    public ModuleStatus(
        string name, string? moduleVersion, string kernelVersion, ModuleProvider provider, ModuleState state, string reason,
        string? package, string? path, string? vermagic, string? srcVersion, string? signer, string? sigKey,
        bool? signatureTrusted, bool? isLoaded, bool isRunningKernel, bool isNextBootKernel, string root)
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

    /// <summary>True when a trusted key (MOK list, db, the kernel's own signing key) signed it; false when unsigned or unknown signer; null when no file.</summary>
    public bool? SignatureTrusted { get; }

    /// <summary>Loaded now with the same srcversion; only known for the running kernel of the host's own root.</summary>
    public bool? IsLoaded { get; }

    public bool IsRunningKernel { get; }

    public bool IsNextBootKernel { get; }

    public string Root { get; }

    /// <summary>True for every state but Installed, Built and Excluded.</summary>
    public bool IsProblem => State is not (ModuleState.Installed or ModuleState.Built or ModuleState.Excluded);

    public override string ToString() => $"{Name} {KernelVersion} {State}";
}
