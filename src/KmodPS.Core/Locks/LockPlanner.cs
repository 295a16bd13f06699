using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;

namespace KmodPS.Core.Locks;

/// <summary>
/// Plans Lock-Kernel and Unlock-Kernel as <see cref="ChangePlan"/>s, from a <see cref="LockSnapshot"/> and the request
/// (pure: the backend of the root says how). Locking twice plans nothing the second time; unlocking what is not
/// locked plans nothing and says so. Every plan carries a <see cref="LockJournal"/>: the intent in locks.json, the
/// check that the locks did not move since the snapshot, the read-back, and the record of what changed.
/// </summary>
public static class LockPlanner
{
    /// <summary>Lock-Kernel: pin every installed package of one release (and, on Debian, hold the kernel metapackages).</summary>
    public static ChangePlan Pin(LockSnapshot snapshot, string kernelVersion)
    {
        var plan = new LockPlanBuilder($"Lock kernel {kernelVersion} (pin its installed packages)", kernelVersion);
        if (Ready(snapshot, plan, kernelVersion) is { } backend)
        {
            backend.Pin(snapshot, plan, kernelVersion);
            if (!plan.IsRefused)
            {
                plan.Warnings.AddRange(snapshot.Traps(locking: true));
                plan.NothingToDo($"{kernelVersion} is already locked{Where(snapshot)}: nothing to do.");
            }
        }
        return plan.Build(snapshot, LockOperation.Pin, new[] { kernelVersion });
    }

    /// <summary>Lock-Kernel -Exclude: keep the named releases out while other kernel updates still install.</summary>
    public static ChangePlan Exclude(LockSnapshot snapshot, IReadOnlyList<string> kernelVersions)
    {
        var plan = new LockPlanBuilder($"Exclude kernel {string.Join(", ", kernelVersions)}", string.Join(", ", kernelVersions));
        if (Ready(snapshot, plan, kernelVersions.FirstOrDefault() ?? string.Empty) is { } backend)
        {
            foreach (var release in kernelVersions.Where(r => snapshot.RunningKernel is not null && KernelRelease.Same(r, snapshot.RunningKernel)))
            {
                plan.Refuse(LockFailures.RunningKernel(release));
            }
            foreach (var release in plan.IsRefused ? Array.Empty<string>() : kernelVersions.Distinct(StringComparer.Ordinal))
            {
                backend.Exclude(snapshot, plan, release);
            }
            if (!plan.IsRefused)
            {
                plan.Warnings.AddRange(snapshot.Traps(locking: false));
                plan.NothingToDo($"{string.Join(", ", kernelVersions)} is already excluded{Where(snapshot)}: nothing to do.");
            }
        }
        return plan.Build(snapshot, LockOperation.Exclude, kernelVersions);
    }

    /// <summary>
    /// Unlock-Kernel: without <paramref name="all"/>, the locks KmodPS recorded (for the named kernels, or all of
    /// them); with it, every kernel lock of the stores (for the named kernels, or all). Each store's backend removes
    /// exactly the entries named, every copy of them, and nothing else.
    /// </summary>
    public static ChangePlan Unlock(LockSnapshot snapshot, IReadOnlyList<string> kernelVersions, bool all)
    {
        var target = kernelVersions.Count == 0 ? "all kernels" : string.Join(", ", kernelVersions);
        var plan = new LockPlanBuilder(
            $"Unlock {(kernelVersions.Count == 0 ? "all kernels" : "kernel " + target)} ({(all ? "every kernel lock" : "locks KmodPS added")})", target);
        var entries = snapshot.Entries;
        bool ForKernel(string? kernel) => kernelVersions.Count == 0 || kernelVersions.Any(k => KernelRelease.Same(kernel, k));
        var records = snapshot.Records.Where(r => ForKernel(r.KernelVersion)).ToList();
        var targets = new List<LockEntry>();
        foreach (var record in records)
        {
            var entry = entries.FirstOrDefault(record.Matches);
            if (entry is null)
            {
                plan.Notes.Add($"{record.Key} ({record.Source}) that KmodPS added is already gone; forgetting it.");
                plan.RecordsToRemove.Add(record);
                continue;
            }
            targets.Add(entry);
        }
        if (all)
        {
            targets.AddRange(entries.Where(e => ForKernel(e.KernelVersion) && (kernelVersions.Count == 0 || e.KernelVersion is not null)));
        }
        targets = targets.Distinct().ToList();
        AptLocks.KeepSharedMetapackageHolds(snapshot, plan, targets, kernelVersions);
        if (targets.Count == 0)
        {
            plan.Notes.Add(kernelVersions.Count == 0
                ? $"No kernel lock{(all ? string.Empty : " made by KmodPS")} under {snapshot.RootPath}: nothing to unlock."
                : $"No kernel lock{(all ? string.Empty : " made by KmodPS")} for {string.Join(", ", kernelVersions)} under {snapshot.RootPath}: nothing to unlock.");
            return plan.Build(snapshot, LockOperation.Unlock, kernelVersions);
        }
        foreach (var group in targets.GroupBy(e => LockBackends.Owning(e.Store)))
        {
            var own = group.ToList();
            group.Key.Unlock(snapshot, plan, own);
            foreach (var entry in own)
            {
                plan.Expect(LockExpectation.Absent(entry.Store, entry.Key, entry.Source));
            }
            targets.RemoveAll(t => group.Contains(t) && !own.Contains(t));
        }
        plan.RecordsToRemove.AddRange(records.Where(r => targets.Any(r.Matches) && !plan.RecordsToReassign.ContainsKey(r)));
        return plan.Build(snapshot, LockOperation.Unlock, kernelVersions);
    }

    private static string Where(LockSnapshot snapshot) => snapshot.IsHostRoot ? string.Empty : " under " + snapshot.RootPath;

    private static ILockBackend? Ready(LockSnapshot snapshot, LockPlanBuilder plan, string kernel)
    {
        if (snapshot.Backend is not { } backend || snapshot.Program is null)
        {
            plan.Refuse(LockFailures.PackageManagerNotFound(kernel, snapshot.Backend, snapshot.RootPath));
            return null;
        }
        if (backend.Refusal(snapshot, kernel) is { } refusal)
        {
            plan.Refuse(refusal);
            return null;
        }
        if (snapshot.Stores.Unparsed.FirstOrDefault() is { } unparsed)
        {
            plan.Refuse(LockFailures.StoreUnparsable(kernel, unparsed, snapshot.RootPath));
            return null;
        }
        return backend;
    }
}

/// <summary>What a backend adds to a lock plan while it is being made: steps, the files they touch, expectations, records.</summary>
internal sealed class LockPlanBuilder
{
    private readonly string _action;
    private readonly HashSet<LockStore> _changed = new();

    public LockPlanBuilder(string action, string target)
    {
        _action = action;
        Target = target;
    }

    /// <summary>What failures name: the kernels the user asked for ("all kernels" for Unlock-Kernel without any).</summary>
    public string Target { get; }

    public List<ChangeStep> Steps { get; } = new();

    public List<string> Touches { get; } = new();

    public List<LockExpectation> Expectations { get; } = new();

    public List<Failure> Refusals { get; } = new();

    public List<string> Warnings { get; } = new();

    public List<string> Notes { get; } = new();

    public List<LockRecord> RecordsToRemove { get; } = new();

    public Dictionary<LockRecord, string> RecordsToReassign { get; } = new();

    public bool IsRefused => Refusals.Count > 0;

    public void Add(LockStore store, ChangeStep step)
    {
        Steps.Add(step);
        _changed.Add(store);
    }

    public void Refuse(Failure failure) => Refusals.Add(failure);

    public void Expect(LockExpectation expectation) => Expectations.Add(expectation);

    /// <summary>A store file saved before the first step and restored if the change fails.</summary>
    public void Touch(string treePath)
    {
        if (!Touches.Contains(treePath))
        {
            Touches.Add(treePath);
        }
    }

    /// <summary>Says so on the verbose stream when the backend planned no step.</summary>
    public void NothingToDo(string note)
    {
        if (Steps.Count == 0)
        {
            Notes.Add(note);
        }
    }

    public bool ChangesFile(string treePath) => Steps.OfType<FileChange>().Any(f => f.TreePath == treePath);

    public ChangePlan Build(LockSnapshot snapshot, LockOperation operation, IReadOnlyList<string> kernels)
    {
        var where = snapshot.IsHostRoot ? string.Empty : $" under {snapshot.RootPath}";
        if (IsRefused)
        {
            return new ChangePlan(_action + where, Target, ErrorIds.LockNotApplied) { Refusals = Refusals.ToList(), Warnings = Warnings.ToList(), Notes = Notes.ToList() };
        }
        var journal = new LockJournal(snapshot, operation, kernels, Target, this);
        var changesDnfList = _changed.Contains(LockStore.DnfVersionlockList);
        var root = snapshot.Root;
        return new ChangePlan(_action + where, Target, ErrorIds.LockNotApplied)
        {
            Steps = Steps.ToList(),
            Touches = Touches.ToList(),
            Warnings = Warnings.ToList(),
            Notes = Notes.ToList(),
            Journal = journal,
            Precondition = () => (changesDnfList && DnfProcessLock.Holder(root) is { } pid
                ? LockFailures.PackageManagerLocked(Target, "dnf", $"process {pid} holds a dnf lock under {root.RootPath}")
                : null) ?? journal.Unchanged(),
            ReadBack = journal.ReadBack,
        };
    }
}

/// <summary>What the lock stores must show after a plan ran; checked by reading them back.</summary>
public sealed record LockExpectation(string Description, Func<IReadOnlyList<LockEntry>, bool> IsMet)
{
    public static LockExpectation Present(LockStore store, string key, string source) =>
        new($"{key} in {source}", entries => entries.Any(e => e.Store == store && e.Key == key));

    public static LockExpectation Absent(LockStore store, string key, string source) =>
        new($"no {key} in {source}", entries => !entries.Any(e => e.Store == store && e.Key == key));
}

/// <summary>The typed failures of locking, with their stable error ids; the target is the kernel concerned.</summary>
internal static class LockFailures
{
    public static Failure StoreUnparsable(string kernel, string store, string root) => new(
        ErrorIds.StoreUnparsable, FailureCategory.InvalidData,
        $"The lock store {store} under {root} could not be parsed (it is not text): KmodPS does not write into a store it could not read. Nothing was changed.", kernel,
        "Restore the file from a backup (or remove it if it holds no locks), then run the command again.");

    public static Failure ExcludeTooBroad(string release, string why) => new(
        ErrorIds.ExcludeTooBroad, FailureCategory.InvalidArgument, why + " Nothing was changed.", release,
        "Name one kernel ABI with its flavour, for example 6.1.0-57-amd64 (Get-InstalledKernel, Test-KernelUpdate list them).");

    public static Failure KernelNotFound(string kernelVersion, string root, string database) => new(
        ErrorIds.KernelNotFound, FailureCategory.ObjectNotFound,
        $"No installed package of kernel {kernelVersion} was found in the {database} database under {root}.", kernelVersion,
        "Check the release with Get-InstalledKernel; Lock-Kernel pins installed kernels (use -Exclude to keep a release out).");

    public static Failure PluginMissing(string kernel) => new(
        ErrorIds.VersionlockPluginMissing, FailureCategory.NotInstalled,
        $"dnf has no versionlock command on this machine: install {VersionlockPlugin.PackageNames}. Nothing was changed.", kernel,
        "Install the versionlock plugin (dnf install python3-dnf-plugin-versionlock), then run the command again.");

    public static Failure PackageManagerLocked(string kernel, string command, string detail) => new(
        ErrorIds.PackageManagerLocked, FailureCategory.ResourceUnavailable,
        $"Another package manager process holds the lock ({command}): {detail.Trim()}. Nothing was changed.", kernel,
        "Wait for the other dnf, apt, dpkg or zypper process to finish, then retry the command.");

    internal static Failure PackageManagerNotFound(string kernel, ILockBackend? backend, string root) => new(
        ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled,
        backend is null
            ? $"No supported package manager was found for {root} (dnf, dnf5, apt or zypper): kernel locks cannot be changed."
            : $"The {backend.ToolPackage} tool is not installed on this machine: the kernel locks of {root} cannot be changed. Nothing was changed.",
        kernel);

    /// <param name="category">InvalidResult when the store does not show the change; WriteError when a file could not be written.</param>
    public static Failure NotApplied(string kernel, string detail, FailureCategory category = FailureCategory.InvalidResult) => new(
        ErrorIds.LockNotApplied, category,
        $"The lock change for {kernel} did not take effect: {detail}", kernel,
        "Check the package manager's output in the verbose stream (-Verbose) and the lock store named in the message.");

    public static Failure Conflict(string kernel, string detail) => new(
        ErrorIds.LockConflict, FailureCategory.InvalidOperation, detail, kernel,
        "Remove the conflicting lock first (Unlock-Kernel, or Unlock-Kernel -All for locks KmodPS did not make).");

    public static Failure RunningKernel(string kernel) => new(
        ErrorIds.RunningKernelExcluded, FailureCategory.InvalidOperation,
        $"{kernel} is the running kernel: KmodPS does not exclude the running kernel's packages.", kernel);

    public static Failure NotSupported(string kernel, string detail) => new(
        ErrorIds.LockNotSupported, FailureCategory.NotImplemented, detail, kernel);

    public static Failure InvalidKernelVersion(string kernel, string detail) => new(
        ErrorIds.InvalidKernelVersion, FailureCategory.InvalidArgument, detail, kernel);
}
