using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// The package-manager answers of a test root made by New-KmodTestRoot, in <c>/var/lib/kmodps/testroot.json</c>:
/// which installed package owns which files, what the repositories offer, what an upgrade would install.
/// When the file is present, it is the root's <see cref="PackageBackend"/>: nothing runs rpm, dnf or apt.
/// </summary>
internal sealed class TestRootAnswers
{
    public const string FilePath = "/var/lib/kmodps/testroot.json";

    public string Scenario { get; set; } = string.Empty;

    public List<InstalledPackageAnswer> Installed { get; set; } = new();

    public List<AvailablePackageAnswer> Available { get; set; } = new();

    public List<string> Upgrade { get; set; } = new();

    /// <exception cref="InvalidDataException">The file is not an answer file.</exception>
    public static TestRootAnswers? Read(ISystemRoot root)
    {
        if (root.IsHostRoot || !root.FileExists(FilePath))
        {
            return null;
        }
        try
        {
            return StateJson.Read<TestRootAnswers>(root.ReadAllText(FilePath));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{root.MapPath(FilePath)} is not a test-root answer file: {e.Message}.", e);
        }
    }

    public string ToJson() => StateJson.Write(this, omitNulls: true);

    public IReadOnlyList<RepositoryPackage> AvailablePackages() =>
        Available.Select(a => new RepositoryPackage(a.Name, a.Version, a.Release, a.Arch, a.Repository, a.Requires, a.Provides)).ToList();
}

/// <summary>An installed package and the files it owns.</summary>
internal sealed class InstalledPackageAnswer
{
    public string Package { get; set; } = string.Empty;

    public List<string> Files { get; set; } = new();
}

/// <summary>A package a repository offers.</summary>
internal sealed class AvailablePackageAnswer
{
    public string Name { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public string Release { get; set; } = string.Empty;

    public string Arch { get; set; } = "x86_64";

    public string Repository { get; set; } = "testroot";

    public List<string> Requires { get; set; } = new();

    public List<string> Provides { get; set; } = new();
}
