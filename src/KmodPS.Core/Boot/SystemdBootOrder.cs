
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Boot;

/// <summary>
/// systemd-boot's menu order (<c>boot_entry_compare</c>): entries with no tries left last; entries with a
/// <c>sort-key</c> (every UKI has one, from its os-release) before those without; among those with one: sort-key,
/// then machine-id ascending, then version newest first; then id newest first; then more tries left, fewer tries done.
/// <c>strverscmp_improved</c> is approximated with <see cref="KernelVersionComparer"/>.
/// </summary>
internal sealed class SystemdBootOrder : IComparer<SystemdBootEntry>
{
    public static SystemdBootOrder Instance { get; } = new();

    public int Compare(SystemdBootEntry? a, SystemdBootEntry? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }
        var order = (a.TriesLeft == 0).CompareTo(b.TriesLeft == 0);
        if (order != 0)
        {
            return order;
        }
        order = (a.SortKey is null).CompareTo(b.SortKey is null);
        if (order != 0)
        {
            return order;
        }
        if (a.SortKey is not null && b.SortKey is not null)
        {
            order = string.CompareOrdinal(a.SortKey, b.SortKey);
            if (order == 0)
            {
                order = string.CompareOrdinal(a.MachineId, b.MachineId);
            }
            if (order == 0)
            {
                order = -KernelVersionComparer.Instance.Compare(a.Version, b.Version);
            }
            if (order != 0)
            {
                return order;
            }
        }
        order = -KernelVersionComparer.Instance.Compare(a.Id, b.Id);
        if (order != 0 || a.TriesLeft < 0 || b.TriesLeft < 0)
        {
            return order;
        }
        order = -a.TriesLeft.CompareTo(b.TriesLeft);
        return order != 0 ? order : a.TriesDone.CompareTo(b.TriesDone);
    }
}
