using KmodPS.Core.Platform;

namespace KmodPS.Core.Hosts;

/// <summary>
/// A <c>/lib/modules/&lt;k&gt;</c> directory with no kernel image beside it: what a removed kernel leaves (DKMS builds,
/// a headers package's <c>build</c> link). It is not an installed kernel: nothing can boot it.
/// </summary>
/// <param name="Directory">The directory inside the root.</param>
/// <param name="Entries">Every path under it (files, links, directories), deepest first: what removing it deletes.</param>
/// <param name="Owner">A package that still owns a path in it, if any (then the package manager removes it, not KmodPS).</param>
public sealed record KernelLeftover(string KernelVersion, string Directory, long SizeBytes, IReadOnlyList<string> Entries, string? Owner = null)
{
    /// <summary>The paths whose owner decides who may remove it: the directory, its entries and the headers link.</summary>
    public IEnumerable<string> OwnershipProbes => Entries.Take(MaxProbes).Append(Directory).Append(TreePath.Combine(Directory, "build"));

    // Enough for what a removed kernel leaves (DKMS builds, a headers link); a huge tree must not make a huge rpm -qf.
    private const int MaxProbes = 2000;

    public KernelLeftover WithOwner(IReadOnlyDictionary<string, string> owners) =>
        this with { Owner = OwnershipProbes.Select(p => owners.GetValueOrDefault(p)).FirstOrDefault(o => o is not null) };

    /// <summary>The warning Get-InstalledKernel and Get-KernelModuleStatus write for it.</summary>
    public string Warning(ISystemRoot root) =>
        $"{root.MapPath(Directory)} is a leftover, not an installed kernel: it has no kernel image (/boot/vmlinuz-{KernelVersion}), "
        + $"{Size}{(Owner is null ? ", owned by no package" : $", owned by {Owner}")}. "
        + (Owner is null ? $"Remove-Kernel {KernelVersion} removes it." : $"Remove {Owner} with the package manager to remove it.");

    private string Size => SizeBytes < 1024 * 1024 ? $"{Math.Max(1, (SizeBytes + 1023) / 1024)} KiB" : $"{SizeBytes / (1024.0 * 1024):0.#} MiB";
}
