namespace KmodPS.Core.Locks;

/// <summary>List helpers of the planners.</summary>
internal static class PlanLists
{
    internal static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }
}
