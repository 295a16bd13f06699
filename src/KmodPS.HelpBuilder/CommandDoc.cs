namespace KmodPS.HelpBuilder;

/// <summary>One cmdlet page of docs/, as parsed.</summary>
internal sealed record CommandDoc(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ParameterDoc> Parameters,
    IReadOnlyList<ExampleDoc> Examples,
    IReadOnlyList<TypeDoc> Inputs,
    IReadOnlyList<TypeDoc> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> RelatedLinks);

internal sealed record ParameterDoc(
    string Name,
    IReadOnlyList<string> Description,
    string Type,
    bool Required,
    string Position,
    string PipelineInput,
    bool Wildcards,
    string DefaultValue,
    IReadOnlyList<string> Sets)
{
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

internal sealed record ExampleDoc(string Title, string Code, IReadOnlyList<string> Remarks);

internal sealed record TypeDoc(string Name, IReadOnlyList<string> Description);
