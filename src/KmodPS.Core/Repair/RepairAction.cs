using KmodPS.Core.Models;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Repair;

/// <summary>
/// One executable repair: the commands for one DKMS module/version on one kernel, or one package install.
/// Several module names can share it (a DKMS package or kmod package that ships several modules).
/// </summary>
public sealed record RepairAction(
    string Key,
    RepairActionKind Kind,
    ModuleProvider Provider,
    string Package,
    string? ModuleVersion,
    string KernelVersion,
    IReadOnlyList<CommandRequest> Commands)
{
    /// <summary>The ShouldProcess target: <c>v4l2loopback/0.12.7 on 6.1.0-56-amd64</c>.</summary>
    public string Target => $"{Package} on {KernelVersion}";

    /// <summary>The exact command lines, as ShouldProcess and -WhatIf show them.</summary>
    public IReadOnlyList<string> CommandLines => Commands.Select(c => c.DisplayText).ToList();

    /// <summary>The DKMS module name (<c>-m</c>) of a DKMS action.</summary>
    public string? DkmsModule => Provider == ModuleProvider.Dkms ? Package.Split('/')[0] : null;
}
