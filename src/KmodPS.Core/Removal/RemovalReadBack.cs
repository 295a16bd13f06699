using KmodPS.Core.Diagnostics;
using KmodPS.Core.Packages;

namespace KmodPS.Core.Removal;

/// <summary>
/// Judges a kernel removal by what the root shows afterwards, not by the package manager's exit code alone (a
/// failed command already stopped the change): no package of the release may be left, and no kernel image either.
/// </summary>
internal static class RemovalReadBack
{
    /// <param name="packagesLeft">The release's packages still in the database; null when it could not be read back.</param>
    /// <param name="imageLeft">The kernel image still in the root, if any.</param>
    /// <param name="readProblem">Why the database could not be read back.</param>
    /// <returns>Null when the kernel is gone; otherwise a <see cref="ErrorIds.KernelNotRemoved"/> failure.</returns>
    public static Failure? Check(string kernel, IReadOnlyList<InstalledPackage>? packagesLeft, string? imageLeft, string? readProblem)
    {
        var problem = packagesLeft is null ? $"the package database cannot be read back: {readProblem}"
            : packagesLeft.Count > 0 ? $"these packages are still installed: {string.Join(", ", packagesLeft.Select(p => p.Spec))}"
            : imageLeft is not null ? $"its packages are gone but the kernel image {imageLeft} is still there (not owned by a package)"
            : null;
        return problem is null ? null : new Failure(ErrorIds.KernelNotRemoved, FailureCategory.InvalidResult, $"Kernel {kernel} was not removed: {problem}", kernel);
    }
}
