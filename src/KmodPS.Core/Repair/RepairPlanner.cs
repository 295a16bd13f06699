using System.Text.RegularExpressions;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;

namespace KmodPS.Core.Repair;

/// <summary>
/// Pure: module status, DKMS tree, tools and repository facts in; one decision per (module, kernel) pair and the
/// distinct commands to run out. Every installed kernel is treated alike (not only the running and newest one,
/// dkms#512/#364/#406). Nothing is changed for a kernel that boots with its module already, for an untrusted
/// signature (enrol the key instead) or for a kmod package that would replace another kernel's module.
/// </summary>
public static partial class RepairPlanner
{
    /// <summary>True when the pair's rows show no installed module but something to install, rebuild or explain.</summary>
    public static bool NeedsAttention(IEnumerable<ModuleStatus> pairRows)
    {
        var rows = pairRows.ToList();
        return rows.Count > 0 && !rows.Any(r => r.State == ModuleState.Installed) && rows.Any(r => r.IsProblem || r.State == ModuleState.Built);
    }

    public static RepairPlan Plan(RepairInput input)
    {
        var decisions = new List<RepairDecision>();
        var actions = new List<RepairAction>();
        var pairs = input.Pairs.Distinct()
            .OrderBy(p => p.KernelVersion, KernelVersionComparer.Instance)
            .ThenBy(p => p.Name, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var decision = Decide(input, pair);
            if (decision.Action is { } action)
            {
                var shared = actions.FirstOrDefault(a => a.Key == action.Key);
                if (shared is null)
                {
                    actions.Add(action);
                }
                else
                {
                    decision = decision with { Action = shared };
                }
            }
            decisions.Add(decision);
        }
        return new RepairPlan(decisions, actions);
    }

    private static RepairDecision Decide(RepairInput input, RepairPair pair)
    {
        var rows = input.Rows.Where(r => r.Name == pair.Name && r.KernelVersion == pair.KernelVersion).ToList();
        var kernel = input.Kernels.FirstOrDefault(k => k.KernelVersion == pair.KernelVersion);
        if (rows.Count == 0 || kernel is null)
        {
            return Planned(pair, ModuleProvider.Manual, null, null, RepairOutcome.Skipped, $"{pair.Name} is not an out-of-tree module of an installed kernel {pair.KernelVersion}: nothing to repair.");
        }
        if (rows.FirstOrDefault(r => r.State == ModuleState.Installed) is { } installed)
        {
            return Planned(pair, installed.Provider, installed.ModuleVersion, installed.Package, RepairOutcome.NothingToDo,
                $"{pair.Name} is installed for {pair.KernelVersion}{(installed.Package is null ? string.Empty : $" ({installed.Package})")}: nothing to do.");
        }
        if (rows.FirstOrDefault(r => r.State == ModuleState.Untrusted) is { } untrusted)
        {
            return Planned(pair, untrusted.Provider, untrusted.ModuleVersion, untrusted.Package, RepairOutcome.Skipped, Enrol(input, untrusted));
        }
        var primary = rows.OrderBy(r => Priority(r.State)).First();
        return primary.Provider switch
        {
            ModuleProvider.Dkms => DkmsRepairPlanner.Decide(input, pair, kernel, rows),
            ModuleProvider.KmodPackage => KmodRepairPlanner.Decide(input, pair, primary),
            ModuleProvider.Akmod => Planned(pair, primary.Provider, primary.ModuleVersion, primary.Package, RepairOutcome.Skipped,
                $"{pair.Name} comes from akmods ({primary.Package ?? "a locally built kmod package"}): run 'akmods --kernels {pair.KernelVersion}' to build it for {pair.KernelVersion}; Repair-KernelModule does not drive akmods."),
            _ => Planned(pair, primary.Provider, primary.ModuleVersion, primary.Package, RepairOutcome.Skipped,
                $"{primary.State}: {primary.Reason} Repair-KernelModule can rebuild DKMS modules and install kmod packages only."),
        };
    }

    private static string Enrol(RepairInput input, ModuleStatus row)
    {
        var what = row.Signer is null ? "is not signed" : $"is signed by '{row.Signer}' ({row.SigKey}), a key that is not enrolled";
        var head = $"{row.Name} on {row.KernelVersion} {what} while Secure Boot is on; it was not changed. ";
        if (row.Provider != ModuleProvider.Dkms)
        {
            return head + $"Enrol the key that signed it: mokutil --import <that key's DER certificate>, then confirm in MokManager at the next boot.";
        }
        var certificate = input.DkmsCertificatePath;
        if (row.Signer is null)
        {
            return head + "Configure DKMS signing (mok_signing_key and mok_certificate in /etc/dkms/framework.conf), rebuild it, then enrol the key: mokutil --import "
                + (certificate ?? "<the DKMS certificate>") + ".";
        }
        return certificate is null
            ? head + "Enrol the key: mokutil --import <the DKMS signing certificate> (none was found: see mok_certificate in /etc/dkms/framework.conf), then confirm in MokManager at the next boot."
            : head + $"Enrol the key: mokutil --import {certificate}, then confirm in MokManager at the next boot.";
    }

    internal static int Priority(ModuleState state) => state switch
    {
        ModuleState.Stale => 0,
        ModuleState.Mismatch => 1,
        ModuleState.Broken => 2,
        ModuleState.Built => 3,
        ModuleState.Added => 4,
        ModuleState.Missing => 5,
        ModuleState.Untrusted => 6,
        _ => 7,
    };

    internal static (string Module, string Version) Split(string package)
    {
        var slash = package.IndexOf('/');
        return slash < 0 ? (package, string.Empty) : (package[..slash], package[(slash + 1)..]);
    }

    internal static string HeadersPackage(HostFamily family, string kernel) => family switch
    {
        HostFamily.Debian => "linux-headers-" + kernel,
        HostFamily.RedHat => "kernel-devel-" + kernel,
        HostFamily.Suse => "kernel-default-devel",
        _ => $"the headers package for {kernel}",
    };

    internal static RepairDecision Planned(RepairPair pair, ModuleProvider provider, string? version, string? package, RepairOutcome outcome, string message) =>
        new(pair, provider, version, package, null, outcome, message);

    /// <summary>A pair that cannot be repaired here: Blocked, with the failure that is its error when the repair is not a -WhatIf preview.</summary>
    internal static RepairDecision Blocked(RepairPair pair, ModuleProvider provider, string? version, string? package, string errorId, FailureCategory category, string message, string? recommended = null) =>
        new(pair, provider, version, package, null, RepairOutcome.Blocked, message, new Failure(errorId, category, message, pair, recommended));

    [GeneratedRegex(@"^[A-Za-z0-9_.+][A-Za-z0-9_.+-]*\z")]
    internal static partial Regex SafeName();
}
