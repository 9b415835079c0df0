import { describe, expect, it } from "vitest";
import { redisConnectionOptions } from "./redis-options.ts";

describe("redisConnectionOptions", () => {
  it("reads host, port and database from the URL, TLS for rediss:// only", () => {
    expect(redisConnectionOptions({ url: "redis://127.0.0.1:6379" })).toEqual({
      host: "127.0.0.1",
      port: 6379,
    });
    expect(redisConnectionOptions({ url: "rediss://cache.example.com/3", tls: { ca: "CA PEM" } })).toEqual({
      host: "cache.example.com",
      port: 6379,
      db: 3,
      tls: { ca: "CA PEM" },
    });
    expect(redisConnectionOptions({ url: "rediss://[::1]:6380" })).toMatchObject({
      host: "::1",
      port: 6380,
      tls: {},
    });
  });

  it("takes the user and password from the URL (percent-decoded) or from the settings", () => {
    expect(redisConnectionOptions({ url: "rediss://homeward:p%40ss%2Fw%3Ard@cache:6379" })).toMatchObject({
      username: "homeward",
      password: "p@ss/w:rd",
    });
    expect(
      redisConnectionOptions({ url: "rediss://cache:6379", username: "homeward", password: "s3cret" }),
    ).toMatchObject({ username: "homeward", password: "s3cret" });
    // requirepass only: the default user's password, no user name.
    expect(redisConnectionOptions({ url: "rediss://:s3cret@cache:6379" })).toEqual({
      host: "cache",
      port: 6379,
      password: "s3cret",
      tls: {},
    });
  });

  it("refuses what would otherwise be a silent choice", () => {
    expect(() => redisConnectionOptions({ url: "rediss://a:b@cache:6379", password: "c" })).toThrow(
      /password is both/,
    );
    expect(() => redisConnectionOptions({ url: "rediss://a:b@cache:6379", username: "c" })).toThrow(
      /user is both/,
    );
    expect(() => redisConnectionOptions({ url: "redis://cache:6379", tls: {} })).toThrow(/use rediss:\/\//);
    expect(() => redisConnectionOptions({ url: "redis://cache:6379/?tls=true" })).toThrow(
      /no query parameters/,
    );
    expect(() => redisConnectionOptions({ url: "http://cache:6379" })).toThrow(/redis:\/\/ or rediss:\/\//);
  });
});
