namespace Turtle.Silo;

/// <summary>
/// Orleans' Kubernetes hosting (Microsoft.Orleans.Hosting.Kubernetes), only when the silo runs in a pod: the silo is
/// named after its pod (<c>POD_NAME</c>), the pod carries the <c>orleans/serviceId</c> and <c>orleans/clusterId</c>
/// labels, and the silos watch their pods (<c>POD_NAMESPACE</c>) so a pod deleted without a goodbye — evicted node,
/// kill -9 — is declared dead at once instead of after missed probes, and a silo declared dead has its pod deleted for
/// the Deployment to replace. Storage stays the membership table; this only keeps it in step with the pods.
/// </summary>
public static class KubernetesHosting
{
    /// <summary>Set by the kubelet in every container of a pod.</summary>
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    public static bool RunsInPod => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ServiceHostVariable));

    /// <summary>
    /// On SIGTERM the host stops the silo: readiness turns false (<see cref="SiloHealth"/>), activations are
    /// deactivated, the silo marks itself dead in the membership table and its reminders move to the others. The
    /// host's shutdown timeout bounds that; the pod's <c>terminationGracePeriodSeconds</c> (60) leaves room above it.
    /// </summary>
    public static WebApplicationBuilder AddKubernetesHosting(this WebApplicationBuilder builder)
    {
        if (!RunsInPod)
        {
            return builder;
        }
        builder.UseOrleans(silo => silo.UseKubernetesHosting(options => options.Configure(o => o.DeleteDefunctSiloPods = true)));
        return builder;
    }
}
