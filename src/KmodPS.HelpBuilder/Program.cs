using KmodPS.HelpBuilder;

// Usage: KmodPS.HelpBuilder <docs-directory> <culture-directory> [<culture-directory> ...]
// Cmdlet pages (Verb-Noun.md) become KmodPS.dll-Help.xml (MAML); about_*.md pages become about_*.help.txt.
// Each culture directory gets the same files (Get-Help looks in <ModuleBase>/en-US).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: KmodPS.HelpBuilder <docs-directory> <culture-directory>...");
    return 2;
}
var docsDirectory = args[0];
var commands = new List<CommandDoc>();
foreach (var page in Directory.GetFiles(docsDirectory, "*-*.md").Order(StringComparer.Ordinal))
{
    try
    {
        commands.Add(CommandDocParser.Parse(File.ReadAllText(page)));
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine($"{page}: {e.Message}");
        return 1;
    }
}
var maml = MamlWriter.Write(commands);
foreach (var outputDirectory in args[1..])
{
    Directory.CreateDirectory(outputDirectory);
    maml.Save(Path.Combine(outputDirectory, "KmodPS.dll-Help.xml"));
    foreach (var about in Directory.GetFiles(docsDirectory, "about_*.md"))
    {
        var name = Path.GetFileNameWithoutExtension(about);
        File.WriteAllText(Path.Combine(outputDirectory, name + ".help.txt"), AboutTopic.ToText(File.ReadAllText(about)));
    }
}
Console.WriteLine($"KmodPS help: {commands.Count} cmdlets -> {string.Join(", ", args[1..])}");
return 0;
