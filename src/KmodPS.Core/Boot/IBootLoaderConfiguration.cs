using KmodPS.Core.Diagnostics;

namespace KmodPS.Core.Boot;

/// <summary>The configuration of one boot loader under a root: its menu entries and what it boots next.</summary>
internal interface IBootLoaderConfiguration
{
    BootLoaderKind Kind { get; }

    /// <summary>The menu entries in menu order (submenu entries flattened in place).</summary>
    IReadOnlyList<BootEntry> ReadEntries(DiagnosticLog log);

    NextBoot Resolve(DiagnosticLog log);
}
