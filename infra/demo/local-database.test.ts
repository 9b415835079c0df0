import { describe, expect, it } from "vitest";
import { databaseHosts, isLocalDatabase } from "./local-database.ts";

describe("local database", () => {
  it("takes loopback addresses and unix sockets", () => {
    for (const url of [
      "postgres://postgres:postgres@127.0.0.1:5432/homeward",
      "postgres://u@localhost/homeward",
      "postgresql://u@LOCALHOST:5433/homeward",
      "postgres://u@[::1]:5432/homeward",
      "postgres:///homeward",
      "postgres://u@%2Fvar%2Frun%2Fpostgresql/homeward",
      "postgres:///homeward?host=/var/run/postgresql",
    ])
      expect(isLocalDatabase(url), url).toBe(true);
  });

  it("refuses any other host, wherever the URL names it", () => {
    for (const url of [
      "postgres://u:p@db.example.com:5432/homeward",
      "postgres://u@10.0.0.5/homeward",
      "postgres://u@127.0.0.2/homeward",
      "postgres://u@localhost.example.com/homeward",
      "postgres://u@127.0.0.1/homeward?host=db.example.com",
      "postgres:///homeward?host=/tmp,db.example.com",
      "not a url",
    ])
      expect(isLocalDatabase(url), url).toBe(false);
    expect(isLocalDatabase("postgres:///homeward", { PGHOST: "db.example.com" })).toBe(false);
    expect(databaseHosts("postgres://u:secret@DB.example.com/x")).toEqual(["db.example.com"]);
  });
});
