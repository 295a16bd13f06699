namespace KmodPS.Core.Models;

/// <summary>One kernel-related lock read from a package manager's lock store.</summary>
public sealed class KernelLock
{
    public KernelLock(string package, string? version, string? kernelVersion, KernelLockKind kind, string source, string entry, bool isKmodPS, string root)
    {
        Package = package;
        Version = version;
        KernelVersion = kernelVersion;
        Kind = kind;
        Source = source;
        Entry = entry;
        IsKmodPS = isKmodPS;
        Root = root;
    }

    /// <summary>The package name or name pattern the lock applies to (<c>kernel-core</c>, <c>kernel*</c>, <c>linux-image-amd64</c>).</summary>
    public string Package { get; }

    /// <summary>The locked version or version pattern (<c>0:5.14.0-611.41.1.el9_7</c>); null when the lock covers every version.</summary>
    public string? Version { get; }

    /// <summary>The kernel release the lock concerns, when it can be derived (<c>5.14.0-611.41.1.el9_7</c>, <c>6.1.0-56-amd64</c>).</summary>
    public string? KernelVersion { get; }

    public KernelLockKind Kind { get; }

    /// <summary>Where the lock lives: a file inside the root (<c>/etc/dnf/plugins/versionlock.list</c>) or the store's tool.</summary>
    public string Source { get; }

    /// <summary>The lock as the store spells it (a versionlock.list line, a TOML condition, a dpkg selection, a zypp lock).</summary>
    public string Entry { get; }

    /// <summary>True when KmodPS added this lock (recorded in <c>/var/lib/kmodps/locks.json</c> under the root).</summary>
    public bool IsKmodPS { get; }

    /// <summary>The system root the lock was read from.</summary>
    public string Root { get; }

    public override string ToString() => Version is null ? Package : $"{Package} {Version}";
}
