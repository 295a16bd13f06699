using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Modules;
using KmodPS.Core.SecureBoot;

namespace KmodPS.Core.Readiness;

/// <summary>
/// Pure: host state in, one row per (out-of-tree module, installed kernel) out. A module needed on the host
/// (present for any installed kernel, or loaded now) but absent for a kernel is Missing there. The DKMS rows are in
/// ModuleStatusPlanner.Dkms.cs.
/// </summary>
internal static partial class ModuleStatusPlanner
{
    public static IReadOnlyList<ModuleStatus> Plan(ModuleStatusInput input)
    {
        var rows = new List<Row>();
        var dkmsIndex = new DkmsIndex(input.Dkms);
        var witnesses = input.Witnesses.ToLookup(w => w.KernelVersion, StringComparer.Ordinal);
        foreach (var kernel in input.Kernels)
        {
            var tree = input.Trees.GetValueOrDefault(kernel.KernelVersion);
            var claimed = new HashSet<ScannedModule>();
            var dkms = FromDkms(input, dkmsIndex, kernel, tree, claimed);
            var kernelRows = new List<Row>();
            foreach (var file in (tree?.OutOfTree ?? Array.Empty<ScannedModule>()).Where(f => !claimed.Contains(f)))
            {
                kernelRows.Add(FromFile(input, kernel, tree!, file, WeakDkmsBuild(input, kernel.KernelVersion, file), null));
            }
            kernelRows.AddRange(dkms);
            kernelRows.AddRange(FromWitnesses(input, kernel, witnesses[kernel.KernelVersion], kernelRows));
            rows.AddRange(kernelRows);
        }
        rows.AddRange(Missing(input, rows));
        return rows
            .OrderBy(r => r.Kernel.KernelVersion, Kernels.KernelVersionComparer.Instance)
            .ThenBy(r => r.Status.IsProblem ? 0 : 1)
            .ThenBy(r => r.Status.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Status.ModuleVersion, StringComparer.Ordinal)
            .ThenBy(r => r.Status.Package, StringComparer.Ordinal)
            .Select(r => r.Status)
            .ToList();
    }

    private sealed record Row(InstalledKernel Kernel, ModuleStatus Status, string? DkmsPackage);

    /// <summary>A row for a module file; <paramref name="dkms"/> is the DKMS build it stands for, <paramref name="identity"/> says when it is not that build's file.</summary>
    private static Row FromFile(ModuleStatusInput input, InstalledKernel kernel, KernelModuleTree tree, ScannedModule file, DkmsEntry? dkms, string? identity)
    {
        var info = file.Info;
        var owner = input.Owners.GetValueOrDefault(file.Path);
        var provider = file.Location == ModuleLocation.WeakUpdates ? ModuleProvider.WeakUpdate
            : dkms is not null ? ModuleProvider.Dkms
            : owner is not null ? (IsAkmod(input, owner) ? ModuleProvider.Akmod : ModuleProvider.KmodPackage)
            : ModuleProvider.Manual;
        var package = dkms is not null ? $"{dkms.Module}/{dkms.Version}" : owner;
        var version = dkms?.Version ?? info?.Version;
        var check = info is null ? null : input.CheckSignature(kernel.KernelVersion, info.Signature);
        var (state, reason) = Judge(input, kernel, tree, file, dkms, provider, check);
        reason = identity is null ? reason : $"{reason} {identity}";
        return new Row(kernel, Status(input, kernel, file.Name, version, provider, state, reason, package, file.Path, info, check), dkms?.Module);
    }

    private static (ModuleState, string) Judge(ModuleStatusInput input, InstalledKernel kernel, KernelModuleTree tree, ScannedModule file, DkmsEntry? dkms, ModuleProvider provider, SignatureCheck? check)
    {
        if (file.Info is not { } info)
        {
            return (ModuleState.Broken, $"{file.Path}: {file.Error}");
        }
        if (Vermagic.Mismatch(kernel.KernelVersion, info.Vermagic, tree.ReferenceVermagic, provider == ModuleProvider.WeakUpdate) is { } mismatch)
        {
            return (ModuleState.Mismatch, mismatch + " The kernel will refuse to load it.");
        }
        if (dkms is not null && Stale(input, kernel, dkms) is { } stale)
        {
            return (ModuleState.Stale, stale);
        }
        if (check is { RefusedEvenWithoutSecureBoot: true })
        {
            return (ModuleState.Untrusted, $"{check.Description}. The kernel refuses it even without Secure Boot (Key was rejected by service): reinstall or rebuild it.");
        }
        if (input.SecureBootEnforcing && check?.Trusted == false)
        {
            return (ModuleState.Untrusted, Untrusted(check));
        }
        var note = provider == ModuleProvider.WeakUpdate ? $" (weak-updates link to {file.LinkTarget})" : string.Empty;
        var trustNote = check?.Trusted == false ? $" Not loadable under Secure Boot ({check.Description}), which matters only if Secure Boot is turned on." : string.Empty;
        return (ModuleState.Installed, $"Installed for {kernel.KernelVersion}{note}.{trustNote}");
    }

    // A file the package database or modules.dep names, with no module read from it: gone, or something else is there.
    // The kernel's rows grow as its witness rows are added: a second witness of the same module adds none.
    private static IEnumerable<Row> FromWitnesses(ModuleStatusInput input, InstalledKernel kernel, IEnumerable<ModuleWitness> witnesses, List<Row> kernelRows)
    {
        foreach (var witness in witnesses)
        {
            var name = ModuleFileInfo.NameFromPath(witness.Path);
            if (kernelRows.Any(r => r.Status.Path == witness.Path || r.Status.Name == name))
            {
                continue;
            }
            var provider = witness.Package is null ? ModuleProvider.Manual : IsAkmod(input, witness.Package) ? ModuleProvider.Akmod : ModuleProvider.KmodPackage;
            var fix = witness.Package is null ? "reinstall the module, or run depmod if it was removed on purpose" : $"reinstall {witness.Package}";
            var (state, reason) = witness.Found is null
                ? (ModuleState.Missing, $"{witness.Path} is missing, but {witness.Witness}: {fix}.")
                : (ModuleState.Broken, $"{witness.Path} is {witness.Found}, not a module file, but {witness.Witness}: {fix}.");
            yield return new Row(kernel, Status(input, kernel, name, null, provider, state, reason, witness.Package, witness.Path, null, null), null);
        }
    }

    private static List<Row> Missing(ModuleStatusInput input, List<Row> existing)
    {
        var needed = existing.Select(r => r.Status.Name)
            .Concat(input.Loaded.Values.Where(l => l.OutOfTree).Select(l => l.Name))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var present = existing.Select(r => (r.Kernel.KernelVersion, r.Status.Name)).ToHashSet();
        var byName = existing.ToLookup(r => r.Status.Name, StringComparer.Ordinal);
        var missing = new List<Row>();
        foreach (var kernel in input.Kernels)
        {
            foreach (var name in needed.Where(n => !present.Contains((kernel.KernelVersion, n))))
            {
                var elsewhere = byName[name].Where(r => r.Status.State is ModuleState.Installed or ModuleState.Built or ModuleState.Stale or ModuleState.Untrusted).ToList();
                var template = elsewhere.FirstOrDefault() ?? byName[name].FirstOrDefault();
                var provider = template?.Status.Provider ?? ModuleProvider.Manual;
                if (provider == ModuleProvider.WeakUpdate)
                {
                    provider = elsewhere.Select(r => r.Status.Provider).FirstOrDefault(p => p != ModuleProvider.WeakUpdate, ModuleProvider.KmodPackage);
                }
                var reason = MissingReason(input, kernel, name, provider, template, elsewhere);
                missing.Add(new Row(kernel, Status(input, kernel, name, null, provider, ModuleState.Missing, reason, null, null, null, null), template?.DkmsPackage));
            }
        }
        return missing;
    }

    private static string MissingReason(ModuleStatusInput input, InstalledKernel kernel, string name, ModuleProvider provider, Row? template, List<Row> elsewhere)
    {
        var kernels = string.Join(", ", elsewhere.Select(r => r.Kernel.KernelVersion).Distinct());
        var presentFor = kernels.Length > 0 ? $"present for {kernels}" : (input.Loaded.ContainsKey(name) ? "loaded now" : "known on this host");
        switch (provider)
        {
            case ModuleProvider.Dkms:
                var dkms = template?.Status.Package ?? name;
                return kernel.HasHeaders
                    ? $"{name} ({presentFor}) is not built by DKMS for {kernel.KernelVersion}: run Repair-KernelModule or 'dkms install {dkms} -k {kernel.KernelVersion}'."
                    : $"headers not installed for {kernel.KernelVersion}, so DKMS cannot build {dkms} ({name} {presentFor}): install {HeadersPackage(input, kernel.KernelVersion)}.";
            case ModuleProvider.KmodPackage or ModuleProvider.Akmod:
                return $"{name} ({presentFor}, from {template?.Status.Package ?? "a kmod package"}) has no package built for {kernel.KernelVersion}: install the matching kmod package for this kernel, or keep booting a kernel that has it (Set-DefaultKernel).";
            default:
                return $"{name} ({presentFor}) is not installed for {kernel.KernelVersion}; it was installed by hand, so rebuild or copy it for this kernel.";
        }
    }

    private static ModuleStatus Status(ModuleStatusInput input, InstalledKernel kernel, string name, string? version, ModuleProvider provider, ModuleState state, string reason, string? package, string? path, ModuleFileInfo? info, SignatureCheck? check)
    {
        var running = kernel.KernelVersion == input.RunningKernel;
        bool? loaded = running && input.RunningKernel is not null && input.Loaded.Count > 0
            ? input.Loaded.TryGetValue(name, out var l) && (l.SrcVersion is null || info?.SrcVersion is null || l.SrcVersion == info.SrcVersion)
            : null;
        return new ModuleStatus(name, version, kernel.KernelVersion, provider, state, reason, package, path, info?.Vermagic, info?.SrcVersion,
            info?.Signature?.Signer, info?.Signature?.KeyId, check?.Trusted, loaded, running, kernel.KernelVersion == input.NextBootKernel, input.Root, check?.Description);
    }

    // A weak-updates link is its own provider; it names the DKMS build it came from when DKMS installed it.
    private static DkmsEntry? WeakDkmsBuild(ModuleStatusInput input, string kernel, ScannedModule file) => file.Location != ModuleLocation.WeakUpdates ? null
        : input.Dkms.FirstOrDefault(e => e.KernelVersion == kernel && e.State is DkmsState.Installed or DkmsState.InstalledWeak
            && e.BuiltModules.Any(p => ModuleFileInfo.NameFromPath(p) == file.Name));

    private static string? Stale(ModuleStatusInput input, InstalledKernel kernel, DkmsEntry entry)
    {
        if (entry.BuiltAtUtc is not { } built || input.HeadersChanged.GetValueOrDefault(kernel.KernelVersion) is not { } changed || changed.ChangedUtc <= built)
        {
            return null;
        }
        return $"DKMS {entry.Module}/{entry.Version} was built for {kernel.KernelVersion} at {built:u}, but {changed.File} changed at {changed.ChangedUtc:u}: rebuild it (Repair-KernelModule, or 'dkms build --force {entry.Module}/{entry.Version} -k {kernel.KernelVersion}' then install).";
    }

    private static string Untrusted(SignatureCheck check) => $"{check.Description} while Secure Boot is on: will be rejected at load (Key was rejected by service); " + check.Verdict switch
    {
        SignatureVerdict.Unsigned => "sign it with an enrolled key.",
        SignatureVerdict.KeyNotEnrolled => $"enrol it with 'mokutil --import {check.Anchor?.Source ?? "<cert>"}'.",
        SignatureVerdict.HashNotAllowed or SignatureVerdict.UnsupportedFormat => "re-sign it with sign-file and sha256 or stronger.",
        _ => "enrol its signer's certificate with 'mokutil --import <cert>', or re-sign it with an enrolled key.",
    };

    private static string HeadersPackage(ModuleStatusInput input, string kernel) => input.Family switch
    {
        HostFamily.Debian => "linux-headers-" + kernel,
        HostFamily.RedHat => "kernel-devel-" + kernel,
        HostFamily.Suse => "kernel-default-devel",
        _ => $"the headers package for {kernel} (linux-headers-{kernel} or kernel-devel-{kernel})",
    };

    private static bool IsAkmod(ModuleStatusInput input, string package) => input.AkmodPackages.Contains(package);
}
