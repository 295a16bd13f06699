using System.Xml.Linq;

namespace KmodPS.HelpBuilder;

/// <summary>Writes parsed cmdlet pages as MAML, the format Get-Help reads for compiled cmdlets.</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandDoc> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement)));

    private static XElement CommandElement(CommandDoc doc)
    {
        var dash = doc.Name.IndexOf('-');
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", doc.Name),
                new XElement(Command + "verb", doc.Name[..dash]),
                new XElement(Command + "noun", doc.Name[(dash + 1)..]),
                Description(new[] { doc.Synopsis })),
            Description(doc.Description),
            new XElement(Command + "syntax", SyntaxItems(doc)),
            new XElement(Command + "parameters", doc.Parameters.Select(Parameter)),
            new XElement(Command + "inputTypes", doc.Inputs.Select(t => TypeElement("inputType", t))),
            new XElement(Command + "returnValues", doc.Outputs.Select(t => TypeElement("returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", doc.Notes.Select(Para))),
            new XElement(Command + "examples", doc.Examples.Select((e, i) => Example(e, i + 1))),
            new XElement(Maml + "relatedLinks", doc.RelatedLinks.Select(l =>
                new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l), new XElement(Maml + "uri")))));
    }

    private static IEnumerable<XElement> SyntaxItems(CommandDoc doc)
    {
        var sets = doc.Parameters.SelectMany(p => p.Sets).Where(s => s != "(All)").Distinct().DefaultIfEmpty("(All)");
        return sets.Select(set => new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", doc.Name),
            doc.Parameters.Where(p => p.Sets.Contains("(All)") || p.Sets.Contains(set)).Select(Parameter)));
    }

    private static XElement Parameter(ParameterDoc p)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", p.Required.ToString().ToLowerInvariant()),
            new XAttribute("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal).ToString().ToLowerInvariant()),
            new XAttribute("globbing", p.Wildcards.ToString().ToLowerInvariant()),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position),
            new XAttribute("aliases", "none"),
            new XElement(Maml + "name", p.Name),
            Description(p.Description));
        if (!p.IsSwitch)
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.Type));
        }
        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", p.Type), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", p.DefaultValue));
        return element;
    }

    private static XElement TypeElement(string kind, TypeDoc type) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", type.Name), new XElement(Maml + "uri")),
            Description(type.Description));

    private static XElement Example(ExampleDoc example, int number) =>
        new(Command + "example",
            new XElement(Maml + "title", $"---------- Example {number}: {example.Title} ----------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", example.Remarks.Select(Para)));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", paragraphs.Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);
}
