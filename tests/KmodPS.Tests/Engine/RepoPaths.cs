namespace KmodPS.Tests.Engine;

/// <summary>Locations in the repository, found from the test assembly upward.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "KmodPS.psd1");

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Docs => Path.Combine(Root, "docs");

    public static string Fixture(params string[] parts) => Path.Combine(new[] { Fixtures }.Concat(parts).ToArray());

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KmodPS.psd1")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (KmodPS.psd1) above " + AppContext.BaseDirectory);
    }
}
