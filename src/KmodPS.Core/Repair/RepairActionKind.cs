namespace KmodPS.Core.Repair;

/// <summary>The kinds of change Repair-KernelModule makes.</summary>
public enum RepairActionKind
{
    /// <summary><c>dkms build --force</c> then <c>dkms install</c> (<c>--force</c> when that version was installed): a stale, mismatched or broken build.</summary>
    DkmsRebuild,

    /// <summary><c>dkms install</c> (builds first when needed): missing, added-only or built-not-installed.</summary>
    DkmsInstall,

    /// <summary><c>dnf install -y &lt;NEVRA&gt;</c>: the kmod package built for the kernel.</summary>
    KmodInstall,
}
