using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Locks;

/// <summary>
/// What dnf 4 and dnf 5 versionlock share: pins are one <c>versionlock add</c> per installed subpackage of the
/// release, and a conflicting exclude refuses the pin. With an alternate root, a temporary HOME's <c>.rpmmacros</c>
/// names the root's rpm database (rpm built for other distributions looks elsewhere). Repositories and other plugins
/// are disabled: pins resolve installed packages.
/// </summary>
internal abstract class DnfLocks : ILockBackend
{
    private static readonly string[] CommonKernelNames = { "kernel", "kernel-core", "kernel-modules", "kernel-modules-core", "kernel-modules-extra", "kernel-devel" };

    public abstract string ToolPackage { get; }

    public abstract IReadOnlyList<LockStore> Stores { get; }

    protected LockStore Store => Stores[0];

    public abstract string? FindProgram(ICommandRunner runner);

    public abstract LockStoreContents Read(LockStoreReader reader, DiagnosticLog log, LockStoreContents contents);

    public abstract IEnumerable<LockEntry> Entries(LockStoreContents contents);

    public virtual Failure? Refusal(LockSnapshot snapshot, string kernelVersion) => null;

    /// <summary>The store's path inside the root, as the snapshot read it.</summary>
    protected abstract string StorePath(LockSnapshot snapshot);

    /// <summary>The key a pin of one installed package has in the store.</summary>
    protected abstract string PinKey(RpmPackage package);

    protected abstract CommandChange Add(LockSnapshot snapshot, string target, RpmPackage package);

    /// <summary>Before the first command that adds to the store (dnf 4 needs the list to exist).</summary>
    protected virtual void BeforeAdding(LockSnapshot snapshot, LockPlanBuilder plan)
    {
    }

    public void Pin(LockSnapshot snapshot, LockPlanBuilder plan, string kernelVersion)
    {
        if (snapshot.InstalledRpmPackages(kernelVersion, plan) is not { } packages)
        {
            return;
        }
        var source = StorePath(snapshot);
        var entries = snapshot.Entries.Where(e => e.Store == Store).ToList();
        var excluded = entries.Where(e => e.Kind == KernelLockKind.Exclude && KernelRelease.Same(e.KernelVersion, kernelVersion)).ToList();
        if (excluded.Count > 0)
        {
            plan.Refuse(LockFailures.Conflict(kernelVersion,
                $"{kernelVersion} is excluded in {source} ({string.Join(", ", excluded.Select(e => e.Entry))}): a pin would not install it. Remove the exclude first."));
            return;
        }
        foreach (var package in packages)
        {
            var key = PinKey(package);
            if (entries.Any(e => e.Key == key))
            {
                plan.Notes.Add($"{package.Nevra} is already locked in {source}.");
                continue;
            }
            BeforeAdding(snapshot, plan);
            plan.Add(Store, Add(snapshot, plan.Target, package));
            plan.Expect(LockExpectation.Present(Store, key, source));
            plan.Touch(source);
        }
    }

    public abstract void Exclude(LockSnapshot snapshot, LockPlanBuilder plan, string release);

    public abstract void Unlock(LockSnapshot snapshot, LockPlanBuilder plan, List<LockEntry> targets);

    public abstract Failure Classify(CommandResult result, string kernel);

    public virtual IEnumerable<string> Traps(LockSnapshot snapshot, bool locking)
    {
        if (!locking && snapshot.Entries.Count == 0)
        {
            yield break;
        }
        var names = CommonKernelNames.Concat(snapshot.RpmPackages?.Where(p => RpmKernelPackages.IsKernelName(p.Name)).Select(p => p.Name) ?? Array.Empty<string>()).Distinct();
        foreach (var rule in snapshot.Dnf.ExcludesMatching(names))
        {
            yield return $"{rule.Source}{(rule.Repository is null ? string.Empty : $" [{rule.Repository}]")} has exclude={rule.Pattern}, which matches kernel packages: dnf hides excluded packages before versionlock applies, so kernel locks do not act on them (and a pinned kernel cannot be reinstalled). Remove the exclude, or use Lock-Kernel -Exclude for the releases to keep out.";
        }
    }

    /// <summary>The exclude spec of a release: every kernel subpackage of that version-release (dnf 4: any arch).</summary>
    public static string? ExcludeSpec(string kernelVersion, bool withArch)
    {
        var versionRelease = KernelRelease.WithoutArch(kernelVersion);
        var dash = versionRelease.IndexOf('-');
        if (dash <= 0 || dash == versionRelease.Length - 1)
        {
            return null;
        }
        return withArch ? $"kernel*-{versionRelease}.*" : $"kernel*-{versionRelease}";
    }

    /// <summary>The start of a dnf command line for the snapshot's root, and the temporary files it needs.</summary>
    protected static (List<string> Arguments, List<TemporaryFile> Files, Dictionary<string, string> Environment) ForRoot(LockSnapshot snapshot)
    {
        var arguments = new List<string>();
        var files = new List<TemporaryFile>();
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        if (!snapshot.IsHostRoot)
        {
            arguments.Add("--installroot=" + snapshot.RootPath);
            if (snapshot.ReleaseVersion is { } release)
            {
                arguments.Add("--releasever=" + release);
            }
            environment["HOME"] = snapshot.TemporaryDirectory;
            var macros = RpmDatabase.PrivateHomeMacros(snapshot.RpmDatabasePath);
            files.Add(new TemporaryFile(Path.Combine(snapshot.TemporaryDirectory, macros.FileName), macros.Text));
        }
        return (arguments, files, environment);
    }

    /// <summary>True when the root's own <c>dnf</c> is dnf 5.</summary>
    public static bool RootUsesDnf5(ISystemRoot root)
    {
        if (root.IsSymbolicLink("/usr/bin/dnf") && root.ReadLink("/usr/bin/dnf") is { } target && Path.GetFileName(target).StartsWith("dnf5", StringComparison.Ordinal))
        {
            return true;
        }
        return root.FileExists("/usr/bin/dnf5") && !root.FileExists("/usr/bin/dnf-3");
    }

    /// <summary>True when the host's <c>dnf</c> on PATH is dnf 5.</summary>
    protected static bool HostDnfIsDnf5(ICommandRunner runner) =>
        runner.FindProgram("dnf") is { } dnf && LinkName(dnf) is { } target && target.StartsWith("dnf5", StringComparison.Ordinal);

    protected static string? Find(ICommandRunner runner, string name) => runner.FindProgram(name) is null ? null : name;

    private static string? LinkName(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetFileName(target.FullName) : Path.GetFileName(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
