import Metrics
import ParleyMedia

/// `parley_cluster_redirects_total{face="whip"|"whep"}`: offers sent to the owning node.
enum ClusterRedirectMetrics {
    static let whip = Counter(label: "parley_cluster_redirects_total", dimensions: [("face", "whip")])
    static let whep = Counter(label: "parley_cluster_redirects_total", dimensions: [("face", "whep")])

    static func count(_ intent: MediaIntent) {
        (intent == .publish ? whip : whep).increment()
    }
}
