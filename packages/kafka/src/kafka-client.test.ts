import { afterEach, describe, expect, it, vi } from "vitest";
import { saslOptions } from "./kafka-client.ts";

afterEach(() => vi.unstubAllEnvs());

describe("SASL options", () => {
  it("pass a user name and password as they are for PLAIN and SCRAM", () => {
    expect(saslOptions({ mechanism: "scram-sha-512", username: "homeward", password: "pw" })).toEqual({
      mechanism: "scram-sha-512",
      username: "homeward",
      password: "pw",
    });
  });

  it("sign an MSK IAM token for the cluster's region with the AWS default credential chain", async () => {
    // The chain's first source, the environment (AWS's documented example keys, not real ones).
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    const options = saslOptions({ mechanism: "aws", region: "eu-west-1" });
    if (options.mechanism !== "oauthbearer")
      throw new Error(`MSK IAM is OAUTHBEARER, not ${options.mechanism}`);
    const { value } = await options.oauthBearerProvider();
    // The token is a presigned kafka-cluster:Connect URL, base64url-encoded, that MSK verifies.
    const url = new URL(Buffer.from(value, "base64url").toString("utf8"));
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("kafka-cluster:Connect");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
    );
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });
});
