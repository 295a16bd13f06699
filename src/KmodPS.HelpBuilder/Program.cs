using KmodPS.HelpBuilder;

// Usage: KmodPS.HelpBuilder <docs-directory> <output-maml-file>
// Cmdlet pages (Verb-Noun.md) become MAML; about_*.md pages become about_*.help.txt next to the MAML file.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: KmodPS.HelpBuilder <docs-directory> <output KmodPS.dll-Help.xml>");
    return 2;
}
var (docsDirectory, output) = (args[0], args[1]);
var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(output))!;
Directory.CreateDirectory(outputDirectory);
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
MamlWriter.Write(commands).Save(output);
foreach (var about in Directory.GetFiles(docsDirectory, "about_*.md"))
{
    var name = Path.GetFileNameWithoutExtension(about);
    File.WriteAllText(Path.Combine(outputDirectory, name + ".help.txt"), AboutTopic.ToText(File.ReadAllText(about)));
}
Console.WriteLine($"KmodPS help: {commands.Count} cmdlets -> {output}");
return 0;
