package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client behind an {@link S3ObjectStorage} from explicit settings and the SDK's chains. */
public final class S3Clients {
  private S3Clients() {}

  /**
   * Builds the storage.
   *
   * @param bucket the bucket
   * @param prefix the key prefix, empty or ending in {@code /}
   * @param endpoint the endpoint, or {@code null} for the SDK's (AWS, or {@code AWS_ENDPOINT_URL})
   * @param region the region, or {@code null} for the SDK's chain, else {@code us-east-1}
   * @param pathStyle whether to address the bucket in the path
   * @param accessKeyId static credentials, or {@code null} for the SDK's provider chain
   * @param secretAccessKey the secret of the static credentials
   * @param maxAttempts tries per request
   * @param partSize multipart part size
   * @param attemptTimeout time per try
   * @return the storage
   */
  public static S3ObjectStorage storage(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
      String accessKeyId, String secretAccessKey, int maxAttempts, int partSize, Duration attemptTimeout) {
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(region != null ? region : defaultRegion()))
        .forcePathStyle(pathStyle)
        // objects carry their own SHA-256, checked on verify and restore; the SDK's newer default
        // trailing checksums are not understood by every S3-compatible server
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build())
            .apiCallAttemptTimeout(attemptTimeout))
        .credentialsProvider(accessKeyId != null
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey))
            : DefaultCredentialsProvider.builder().build());
    if (endpoint != null) {
      if (endpoint.getUserInfo() != null || endpoint.getHost() == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The S3 endpoint must be http(s)://host[:port] without credentials.");
      }
      b.endpointOverride(endpoint);
    }
    String where = "s3://" + bucket + "/" + prefix
        + (endpoint == null ? "" : " at " + endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()));
    try {
      return new S3ObjectStorage(b.build(), bucket, prefix, partSize, where);
    } catch (SdkClientException e) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "Cannot set up the S3 client for " + where + ": "
          + e.getMessage() + ". Check the region, endpoint and credentials settings.", e);
    }
  }

  private static String defaultRegion() {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
    } catch (SdkClientException e) {
      // S3-compatible servers rarely care about the region, and AWS redirects to the right one
      return "us-east-1";
    }
  }
}
